#pragma once
// Reading request bodies and query strings into typed values with field-level errors, and
// writing problem+json documents.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"

namespace parcours::http {

using nlohmann::json;

// Parses a JSON object body: 400 (kMalformed) for bad JSON, bad UTF-8 or a non-object.
Result<json> ParseObject(const std::string& body);

// Reads fields of a JSON object, collecting one error per bad field.
class FieldReader {
 public:
  explicit FieldReader(const json& obj) : obj_(obj) {}
  std::optional<std::string> String(const std::string& name, bool required = true,
                                    std::size_t max_bytes = 4000);
  std::optional<long long> Integer(const std::string& name, bool required, long long min,
                                   long long max);
  std::optional<double> Number(const std::string& name, bool required, double min, double max);
  std::optional<TimePoint> Time(const std::string& name, bool required = true);
  std::optional<long long> IdString(const std::string& name, bool required = true);
  std::optional<std::vector<std::string>> Strings(const std::string& name, bool required = true,
                                                  std::size_t max_items = 100);
  std::optional<bool> Boolean(const std::string& name, bool required = false);
  // An array of ids (strings of digits), each bad item named as name[i].
  std::optional<std::vector<long long>> Ids(const std::string& name, bool required = true,
                                            std::size_t max_items = 100);
  // The array at `name`, or nullopt (with an error when required or not an array).
  const json* Array(const std::string& name, bool required = true, std::size_t max_items = 100);
  bool Has(const std::string& name);
  void AddError(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  std::vector<FieldError>& errors() { return errors_; }
  // True when every field read well AND the object has no field that was not asked for: a
  // typo ('langauge') is an error naming it, never silently ignored. Call it after the reads.
  bool ok();
  // A nested object's reader: its errors (after its own check) join these, prefixed.
  void Absorb(FieldReader& inner, const std::string& prefix);
  // The problem to answer: 400 when a field is unknown (the request is not what the route
  // reads), 422 when known fields break rules.
  DomainError Problem(std::string detail);

 private:
  const json* Get(const std::string& name, bool required);
  const json& obj_;
  std::vector<FieldError> errors_;
  std::vector<std::string> read_;
  bool checked_ = false;
  bool unknown_ = false;
};

}  // namespace parcours::http
