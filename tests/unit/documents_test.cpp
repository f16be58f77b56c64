// Unit tests of src/domain/documents: a session document's type is read from its bytes (never
// from its name), and the name given is made fit for a Content-Disposition header.
#include "domain/documents.h"

#include <catch2/catch.hpp>
#include <string>

namespace parcours {
namespace {

// A ZIP local file header for a stored entry `name` holding `data`.
std::string ZipEntry(const std::string& name, const std::string& data) {
  std::string h("PK\x03\x04", 4);
  h += std::string("\x14\x00\x00\x00\x00\x00", 6);  // version, flags, method 0 (stored)
  h += std::string(8, '\0');                          // time, date, crc
  auto le32 = [](std::size_t v) { return std::string{char(v & 255), char(v >> 8 & 255), char(v >> 16 & 255), char(v >> 24)}; };
  h += le32(data.size()) + le32(data.size());
  h += std::string{char(name.size() & 255), char(name.size() >> 8)} + std::string(2, '\0');
  return h + name + data;
}

}  // namespace

TEST_CASE("documents: the type comes from the first bytes", "[documents]") {
  CHECK(SniffDocumentType("%PDF-1.7\n%\xe2\xe3\n1 0 obj") == "application/pdf");
  CHECK(SniffDocumentType(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)) == "image/png");
  CHECK(SniffDocumentType("\xFF\xD8\xFF\xE0\0\x10JFIF") == "image/jpeg");
  CHECK(SniffDocumentType(ZipEntry("mimetype", "application/vnd.oasis.opendocument.text") + "...") ==
        "application/vnd.oasis.opendocument.text");
  CHECK(SniffDocumentType(ZipEntry("[Content_Types].xml", "<Types/>") + ZipEntry("word/document.xml", "<w/>")) ==
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  CHECK(SniffDocumentType(ZipEntry("[Content_Types].xml", "<Types/>") + ZipEntry("xl/workbook.xml", "<x/>")) ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(SniffDocumentType(ZipEntry("[Content_Types].xml", "<Types/>") + ZipEntry("ppt/presentation.xml", "<p/>")) ==
        "application/vnd.openxmlformats-officedocument.presentationml.presentation");
}

TEST_CASE("documents: HTML, scripts, executables and other archives are refused whatever their name", "[documents]") {
  CHECK_FALSE(SniffDocumentType(""));
  CHECK_FALSE(SniffDocumentType("<!DOCTYPE html><script>alert(1)</script>"));
  CHECK_FALSE(SniffDocumentType("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"));
  CHECK_FALSE(SniffDocumentType("  %PDF-1.4 behind spaces"));
  CHECK_FALSE(SniffDocumentType("MZ\x90\0\x03\0\0\0"));
  CHECK_FALSE(SniffDocumentType("#!/bin/sh\nrm -rf /\n"));
  CHECK_FALSE(SniffDocumentType(ZipEntry("evil.html", "<script>alert(1)</script>")));
  // A "mimetype" entry naming something other than an OpenDocument type.
  CHECK_FALSE(SniffDocumentType(ZipEntry("mimetype", "text/html")));
  CHECK_FALSE(SniffDocumentType(std::string("PK\x03\x04", 4)));  // a truncated header
}

TEST_CASE("documents: file names lose paths, quotes and controls, and stay short", "[documents]") {
  CHECK(SafeFilename("synthese.pdf", "document") == "synthese.pdf");
  CHECK(SafeFilename("C:\\Users\\ana\\Synthèse atelier.pdf", "document") == "Synthèse atelier.pdf");
  CHECK(SafeFilename("../../etc/passwd", "document") == "passwd");
  CHECK(SafeFilename("a\"b;c\r\nd.pdf", "document") == "abcd.pdf");
  CHECK(SafeFilename("...hidden", "document") == "hidden");
  CHECK(SafeFilename("", "document") == "document");
  CHECK(SafeFilename("dir/", "document") == "document");
  // At most 120 bytes, never half a character.
  CHECK(SafeFilename(std::string(118, 'a') + "éé.pdf", "document") == std::string(118, 'a') + "é");
  CHECK(SafeFilename(std::string(119, 'a') + "éé.pdf", "document") == std::string(119, 'a'));
}

TEST_CASE("documents: kinds read and written", "[documents]") {
  for (const char* k : {"handout", "synthesis", "other"}) CHECK(std::string(ToString(*DocumentKindFromString(k))) == k);
  CHECK_FALSE(DocumentKindFromString("Handout"));
  CHECK_FALSE(DocumentKindFromString(""));
}

}  // namespace parcours
