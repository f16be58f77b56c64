# Sourced by deploy/backup.sh and deploy/restore.sh (not run on its own).
# db_client_config URL FILE: parses mysql://user:password@host:port[,host:port...]/database
# (or @unix(/path)/database; the first address is used: any node of a Galera cluster holds
# everything), sets db_name, and writes a [client] option file for mariadb and mariadb-dump
# to FILE with mode 0600: the password goes in a file, never on a command line (ps shows it).
# Returns 1 when URL is not of that form.
db_client_config() {
  local url=$1 file=$2 user password socket first host port=3306
  [[ $url =~ ^mysql://([^:@/]+)(:([^@/]*))?@(unix\(([^\)]+)\)|([^/]+))/([A-Za-z0-9_]+)$ ]] || return 1
  urldecode() { local s=${1//+/ }; printf '%b' "${s//%/\\x}"; }
  user=$(urldecode "${BASH_REMATCH[1]}")
  password=$(urldecode "${BASH_REMATCH[3]}")
  socket=${BASH_REMATCH[5]}
  first=${BASH_REMATCH[6]%%,*}
  db_name=${BASH_REMATCH[7]}
  host=${first%%:*}
  [[ $first == *:* ]] && port=${first##*:}
  (
    umask 077
    {
      echo "[client]"
      echo "user=$user"
      echo "password=\"${password//\"/\\\"}\""
      if [[ -n $socket ]]; then echo "socket=$socket"; else echo "host=$host"; echo "port=$port"; fi
      echo "default-character-set=utf8mb4"
    } >"$file"
  )
  chmod 600 "$file"
}
