#include "http/json_io.h"

#include <algorithm>

#include <cmath>

#include "common/text.h"
#include "common/time.h"

namespace parcours::http {

Result<json> ParseObject(const std::string& body) {
  if (body.empty()) return Error(ErrorCode::kMalformed, "The request body must be a JSON object.");
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    return Error(ErrorCode::kMalformed, "The request body is not valid JSON (or not valid UTF-8).");
  }
  if (!j.is_object()) return Error(ErrorCode::kMalformed, "The request body must be a JSON object.");
  return j;
}

bool FieldReader::Has(const std::string& name) {
  read_.push_back(name);
  auto it = obj_.find(name);
  return it != obj_.end() && !it->is_null();
}

bool FieldReader::ok() {
  if (!checked_) {
    checked_ = true;
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (std::find(read_.begin(), read_.end(), it.key()) != read_.end()) continue;
      AddError(it.key(), "is not a field of this request");
      unknown_ = true;
    }
  }
  return errors_.empty();
}

void FieldReader::Absorb(FieldReader& inner, const std::string& prefix) {
  inner.ok();
  for (const auto& e : inner.errors_) AddError(prefix + e.field, e.message);
  unknown_ |= inner.unknown_;
}

DomainError FieldReader::Problem(std::string detail) {
  ok();
  if (unknown_) {
    std::vector<FieldError> unknown;
    for (const auto& e : errors_)
      if (e.message == "is not a field of this request") unknown.push_back(e);
    return {ErrorCode::kMalformed, "The request has fields this route does not read.", unknown};
  }
  return {ErrorCode::kInvalidInput, std::move(detail), errors_};
}

const json* FieldReader::Get(const std::string& name, bool required) {
  read_.push_back(name);
  auto it = obj_.find(name);
  if (it == obj_.end() || it->is_null()) {
    if (required) AddError(name, "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> FieldReader::String(const std::string& name, bool required,
                                               std::size_t max_bytes) {
  const json* v = Get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    AddError(name, "must be a string");
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    AddError(name, "is too long");
    return std::nullopt;
  }
  return s;
}

std::optional<long long> FieldReader::Integer(const std::string& name, bool required,
                                              long long min, long long max) {
  const json* v = Get(name, required);
  if (!v) return std::nullopt;
  long long value;
  if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<unsigned long long>() >
                                                                  static_cast<unsigned long long>(max))) {
    value = v->get<long long>();
  } else if (v->is_number_float() && std::isfinite(v->get<double>()) &&
             std::floor(v->get<double>()) == v->get<double>() && std::fabs(v->get<double>()) < 1e15) {
    value = static_cast<long long>(v->get<double>());
  } else if (v->is_number()) {
    AddError(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  } else {
    AddError(name, "must be an integer");
    return std::nullopt;
  }
  if (value < min || value > max) {
    AddError(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> FieldReader::Number(const std::string& name, bool required, double min,
                                          double max) {
  const json* v = Get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_number() || !std::isfinite(v->get<double>())) {
    AddError(name, "must be a number");
    return std::nullopt;
  }
  double d = v->get<double>();
  if (d < min || d > max) {
    AddError(name, "is out of range");
    return std::nullopt;
  }
  return d;
}

std::optional<TimePoint> FieldReader::Time(const std::string& name, bool required) {
  auto s = String(name, required, 64);
  if (!s) return std::nullopt;
  auto t = ParseRfc3339(*s);
  if (!t) AddError(name, "must be an RFC 3339 date-time with an offset, e.g. 2027-03-04T09:00:00+01:00");
  return t;
}

std::optional<bool> FieldReader::Boolean(const std::string& name, bool required) {
  const json* v = Get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    AddError(name, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::vector<long long>> FieldReader::Ids(const std::string& name, bool required,
                                                       std::size_t max_items) {
  const json* list = Array(name, required, max_items);
  if (!list) return std::nullopt;
  std::vector<long long> ids;
  bool good = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::optional<long long> id;
    if ((*list)[i].is_string()) id = ParseId((*list)[i].get_ref<const std::string&>());
    if (!id) {
      AddError(name + "[" + std::to_string(i) + "]", "must be an id (a string of digits)");
      good = false;
    } else {
      ids.push_back(*id);
    }
  }
  if (!good) return std::nullopt;
  return ids;
}

std::optional<long long> FieldReader::IdString(const std::string& name, bool required) {
  const json* v = Get(name, required);
  if (!v) return std::nullopt;
  std::optional<long long> id;
  if (v->is_string()) id = ParseId(v->get_ref<const std::string&>());
  if (!id) AddError(name, "must be an id (a string of digits)");
  return id;
}

std::optional<std::vector<std::string>> FieldReader::Strings(const std::string& name,
                                                             bool required,
                                                             std::size_t max_items) {
  const json* arr = Array(name, required, max_items);
  if (!arr) return std::nullopt;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    if (!(*arr)[i].is_string() || (*arr)[i].get_ref<const std::string&>().size() > 200) {
      AddError(name + "[" + std::to_string(i) + "]", "must be a string");
      return std::nullopt;
    }
    out.push_back((*arr)[i].get<std::string>());
  }
  return out;
}

const json* FieldReader::Array(const std::string& name, bool required, std::size_t max_items) {
  const json* v = Get(name, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    AddError(name, "must be an array");
    return nullptr;
  }
  if (v->size() > max_items) {
    AddError(name, "must have at most " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return v;
}

}  // namespace parcours::http
