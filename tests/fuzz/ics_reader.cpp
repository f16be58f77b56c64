#include "ics_reader.h"

namespace parcours::fuzz {
namespace {

bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// Splits "NAME;P=V;P2=\"V\":value" (quoted parameter values may hold ; : and ,).
std::optional<IcsProperty> SplitLine(const std::string& line) {
  IcsProperty p;
  std::size_t i = 0;
  while (i < line.size() && line[i] != ';' && line[i] != ':') p.name += line[i++];
  if (p.name.empty()) return std::nullopt;
  while (i < line.size() && line[i] == ';') {
    ++i;
    std::string key, value;
    while (i < line.size() && line[i] != '=') key += line[i++];
    if (i >= line.size()) return std::nullopt;
    ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (i < line.size() && line[i] != '"') value += line[i++];
      if (i >= line.size()) return std::nullopt;
      ++i;
    } else {
      while (i < line.size() && line[i] != ';' && line[i] != ':') value += line[i++];
    }
    p.params[key] = value;
  }
  if (i >= line.size() || line[i] != ':') return std::nullopt;
  p.value = line.substr(i + 1);
  return p;
}

}  // namespace

const IcsProperty* IcsComponent::Find(const std::string& n) const {
  for (const auto& p : properties)
    if (p.name == n) return &p;
  return nullptr;
}

std::optional<IcsComponent> ReadIcs(const std::string& text, std::string& error) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find("\r\n", pos);
    if (end == std::string::npos) {
      error = "text after the last CRLF";
      return std::nullopt;
    }
    std::string physical = text.substr(pos, end - pos);
    pos = end + 2;
    if (physical.size() > 75) {
      error = "a line of " + std::to_string(physical.size()) + " octets: " + physical;
      return std::nullopt;
    }
    for (unsigned char c : physical)
      if (IsControl(c)) {
        error = "a control character in: " + physical;
        return std::nullopt;
      }
    if (!physical.empty() && (physical[0] == ' ' || physical[0] == '\t')) {
      if (lines.empty()) {
        error = "a continuation first";
        return std::nullopt;
      }
      lines.back() += physical.substr(1);
    } else {
      lines.push_back(std::move(physical));
    }
  }
  std::vector<IcsComponent> stack;
  std::optional<IcsComponent> root;
  for (const auto& line : lines) {
    auto p = SplitLine(line);
    if (!p) {
      error = "not a content line: " + line;
      return std::nullopt;
    }
    if (p->name == "BEGIN") {
      stack.push_back(IcsComponent{p->value, {}, {}});
    } else if (p->name == "END") {
      if (stack.empty() || stack.back().name != p->value) {
        error = "END:" + p->value + " does not close what is open";
        return std::nullopt;
      }
      IcsComponent done = std::move(stack.back());
      stack.pop_back();
      if (stack.empty()) {
        if (root) {
          error = "two top-level components";
          return std::nullopt;
        }
        root = std::move(done);
      } else {
        stack.back().children.push_back(std::move(done));
      }
    } else {
      if (stack.empty()) {
        error = "a property outside any component";
        return std::nullopt;
      }
      stack.back().properties.push_back(std::move(*p));
    }
  }
  if (!stack.empty() || !root) {
    error = "unclosed component";
    return std::nullopt;
  }
  return root;
}

std::string UnescapeText(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      const char n = value[++i];
      out += (n == 'n' || n == 'N') ? '\n' : n;
    } else {
      out += value[i];
    }
  }
  return out;
}

}  // namespace parcours::fuzz
