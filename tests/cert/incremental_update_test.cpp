// The incremental-update writer on a hand-made PDF with several objects.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <regex>

#include "cert_support.h"
#include "certificates/incremental_update.h"

namespace pci = parcours::certificates::internal;
using namespace parcours::certificates::testing;

namespace {

// A minimal PDF with a classic xref table: catalog, page tree, one page, its content stream,
// a font and an info dictionary.
std::string SmallPdf() {
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length 35 >>\nstream\nBT /F1 12 Tf 20 50 Td (Hello) Tj ET\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Producer (test) >>"};
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f\r\n";
  char entry[32];
  for (std::size_t offset : offsets) {
    std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return pdf;
}

}  // namespace

TEST_CASE("the signature update appends objects, a 20-byte-entry xref and a trailer with /Prev") {
  const std::string original = SmallPdf();
  const pci::PreparedSignature p =
      pci::PrepareSignature(original, "ETSI.CAdES.detached", pci::PdfDate(1804840200), 100);

  SECTION("the original bytes are kept as the prefix") {
    CHECK(p.bytes.compare(0, original.size(), original) == 0);
    CHECK(p.previous_xref == original.find("xref\n0 7"));
  }

  SECTION("xref entries are exactly 20 bytes and point at their objects") {
    const std::string update = p.bytes.substr(p.xref_offset);
    REQUIRE(update.rfind("xref\n", 0) == 0);
    const std::string table = update.substr(5, update.find("trailer") - 5);
    // Catalog 1 and page 3 are rewritten, then the new field 7 and /Sig 8: three subsections.
    CHECK(table.find("1 1\n") == 0);
    CHECK(table.find("\n3 1\n") != std::string::npos);
    CHECK(table.find("\n7 2\n") != std::string::npos);
    const std::regex entry("(\\d{10}) (\\d{5}) n\r\n");
    int entries = 0;
    for (auto it = std::sregex_iterator(table.begin(), table.end(), entry);
         it != std::sregex_iterator(); ++it) {
      CHECK(it->length(0) == 20);
      const std::size_t offset = std::stoul((*it)[1]);
      const std::string object = p.bytes.substr(offset, 12);
      CHECK(std::regex_search(object, std::regex("^\\d+ 0 obj\n")));
      ++entries;
    }
    CHECK(entries == 4);
    CHECK(std::count(table.begin(), table.end(), '\n') == 3 + 4);
  }

  SECTION("the trailer names the previous xref, the root, the info and the new size") {
    const std::string trailer = p.bytes.substr(p.bytes.rfind("trailer"));
    CHECK(trailer.find("/Prev " + std::to_string(p.previous_xref) + " ") != std::string::npos);
    CHECK(trailer.find("/Size 9 ") != std::string::npos);
    CHECK(trailer.find("/Root 1 0 R") != std::string::npos);
    CHECK(trailer.find("/Info 6 0 R") != std::string::npos);
    CHECK(trailer.find("startxref\n" + std::to_string(p.xref_offset) + "\n%%EOF\n") !=
          std::string::npos);
  }

  SECTION("the new catalog has the form, the new page the widget, the /Sig its fields") {
    const std::string update = p.bytes.substr(original.size());
    CHECK(update.find("/AcroForm << /Fields [7 0 R] /SigFlags 3 >>") != std::string::npos);
    CHECK(update.find("/Annots [7 0 R]") != std::string::npos);
    CHECK(update.find("/FT /Sig") != std::string::npos);
    CHECK(update.find("/SubFilter /ETSI.CAdES.detached") != std::string::npos);
    CHECK(update.find("/M (D:20270312083000+00'00')") != std::string::npos);
  }

  SECTION("the ranges exclude exactly the <...> of /Contents and reach the end") {
    CHECK(p.bytes[p.contents_offset] == '<');
    CHECK(p.bytes[p.contents_offset + p.contents_length - 1] == '>');
    CHECK(p.contents_length == 2 * 100 + 2);
    pci::SignatureFields fields;
    REQUIRE(pci::FindLastSignature(p.bytes, fields));
    CHECK(fields.range[0] == 0);
    CHECK(fields.range[1] == static_cast<long long>(p.contents_offset));
    CHECK(fields.range[2] == static_cast<long long>(p.contents_offset + p.contents_length));
    CHECK(fields.range[2] + fields.range[3] == static_cast<long long>(p.bytes.size()));
    CHECK(pci::SignedBytes(p).size() == p.bytes.size() - p.contents_length);
  }

  SECTION("the ByteRange is space-padded in its fixed-width placeholder") {
    const std::string array = p.bytes.substr(p.byte_range_offset, p.byte_range_length);
    CHECK(array.size() == std::string("[0 ********** ********** **********]").size());
    CHECK(array.front() == '[');
    CHECK(array.back() == ']');
    CHECK(std::regex_match(array, std::regex("\\[0 \\d+ \\d+ \\d+ *\\]")));
    // The placeholder was replaced in place: the xref offsets still hold (checked above) and
    // nothing moved after it.
    CHECK(p.bytes.substr(p.xref_offset, 5) == "xref\n");
  }

  SECTION("embedding the CMS writes hex in place and keeps the length") {
    pci::PreparedSignature copy = p;
    pci::EmbedSignature(copy, std::string("\x30\x82\xAB\xCD", 4));
    CHECK(copy.bytes.size() == p.bytes.size());
    CHECK(copy.bytes.substr(copy.contents_offset, 10) == "<3082ABCD0");
    CHECK_THROWS(pci::EmbedSignature(copy, std::string(101, 'x')));
  }
}

TEST_CASE("a second update chains its /Prev to the first and qpdf accepts both") {
  TempDir dir;
  const std::string original = SmallPdf();
  const auto first = pci::PrepareSignature(original, "ETSI.CAdES.detached", pci::PdfDate(0), 64);
  WriteFile(dir.Path("one.pdf"), first.bytes);
  CHECK(Run("qpdf --check " + dir.Path("one.pdf")).exit_code == 0);
  // A document already carrying a form is refused rather than silently broken.
  CHECK_THROWS_WITH(pci::PrepareSignature(first.bytes, "ETSI.CAdES.detached", pci::PdfDate(0), 64),
                    Catch::Contains("existing form"));
}

TEST_CASE("documents the writer cannot update are refused") {
  CHECK_THROWS(pci::PrepareSignature("%PDF-1.4\nno xref here\n", "x", "D:", 10));
  CHECK_THROWS(pci::PrepareSignature("%PDF-1.5\n1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF\n",
                                     "x", "D:", 10));
}
