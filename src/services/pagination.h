#pragma once
// Keyset pagination: the cursor is an opaque encoding of the last item's sort key.
#include <optional>
#include <string>
#include <vector>

#include "common/text.h"
#include "domain/errors.h"
#include "domain/model.h"

namespace parcours {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

struct PageRequest {
  std::optional<std::string> cursor;
  int limit = kDefaultPageSize;
};

// Cursors carry one or two integers ("id" or "ms:id"), base64url-encoded.
inline std::string EncodeCursor(long long a, std::optional<long long> b = std::nullopt) {
  return Base64UrlEncode(b ? std::to_string(a) + ":" + std::to_string(*b) : std::to_string(a));
}
struct CursorKey {
  long long a = 0;
  std::optional<long long> b;
};
std::optional<CursorKey> DecodeCursor(const std::string& cursor);
// Where a list ordered by id alone resumes: after this id (0 without a cursor).
Result<Id> AfterId(const PageRequest& page);

// Trims a page fetched with limit + 1 rows, setting next_cursor from the last kept item.
template <class T, class KeyFn>
Page<T> MakePage(std::vector<T> rows, int limit, KeyFn key) {
  Page<T> page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(limit);
    page.next_cursor = key(rows.back());
  }
  page.items = std::move(rows);
  return page;
}

}  // namespace parcours
