#include "web/view.h"

#include <kainjow/mustache.hpp>

#include <map>
#include <memory>
#include <stdexcept>

#include "web/assets.h"
#include "web/i18n.h"

namespace parcours::web {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

const std::string& Source(const std::string& name) {
  const auto& files = EmbeddedWebFiles();
  auto it = files.find("templates/" + name + ".mustache");
  if (it == files.end()) throw std::runtime_error("no template " + name);
  return it->second;
}

data ToData(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      data d = data::type::object;
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), ToData(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      data d = data::type::list;
      for (const auto& item : j) d.push_back(ToData(item));
      return d;
    }
    // An empty string is false in a section ({{#agency}}, {{^transfer_from}}), as in mustache.js;
    // as a variable it renders nothing either way.
    case nlohmann::json::value_t::string:
      return j.get_ref<const std::string&>().empty() ? data(false) : data(j.get<std::string>());
    case nlohmann::json::value_t::boolean: return data(j.get<bool>());
    case nlohmann::json::value_t::null: return data(false);
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return data(std::to_string(j.get<long long>()));
    default: return data(j.dump());
  }
}

// Parsed templates, per thread: a mustache object is not safe to render from two threads.
mustache& Template(const std::string& name) {
  thread_local std::map<std::string, std::unique_ptr<mustache>> cache;
  auto& slot = cache[name];
  if (!slot) {
    slot = std::make_unique<mustache>(Source(name));
    if (!slot->is_valid()) throw std::runtime_error("template " + name + ": " + slot->error_message());
  }
  return *slot;
}

// Partials are the templates whose names start with '_' ({{> _session_row}}).
void AddPartials(data& d) {
  for (const auto& [path, text] : EmbeddedWebFiles()) {
    if (!path.starts_with("templates/_") || !path.ends_with(".mustache")) continue;
    const std::string partial = path.substr(10, path.size() - 10 - 9);
    const std::string* source = &text;
    d.set(partial, kainjow::mustache::partial([source] { return *source; }));
  }
}

std::string RenderIn(const std::string& name, kainjow::mustache::context<std::string>& ctx) {
  auto& tmpl = Template(name);
  std::string out = tmpl.render(ctx);
  if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
  return out;
}

// What every page of a language sees beneath its own data: the texts as "t", and the
// partials. Built once and only read afterwards, so threads share it.
const data& Beneath(Lang lang) {
  auto make = [](Lang l) {
    data d = data::type::object;
    d.set("t", ToData(Texts(l)));
    AddPartials(d);
    return d;
  };
  static const data fr = make(Lang::kFr), de = make(Lang::kDe), en = make(Lang::kEn);
  switch (lang) {
    case Lang::kDe: return de;
    case Lang::kEn: return en;
    default: return fr;
  }
}

}  // namespace

std::string Render(const std::string& name, const nlohmann::json& json_data) {
  data d = ToData(json_data);
  AddPartials(d);
  kainjow::mustache::context<std::string> ctx(&d);
  return RenderIn(name, ctx);
}

std::string Render(const std::string& name, const nlohmann::json& json_data, Lang lang) {
  data d = ToData(json_data);
  kainjow::mustache::context<std::string> ctx(&Beneath(lang));
  ctx.push(&d);  // searched first
  return RenderIn(name, ctx);
}

}  // namespace parcours::web
