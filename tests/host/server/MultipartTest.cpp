// MultipartReader: the first part of a multipart/form-data body comes out whole, whatever the
// chunking, and malformed bodies are refused with a reason.
#include "server/Multipart.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kms::host {
namespace {

const std::string kBody =
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.webm\"\r\n"
    "Content-Type: video/webm\r\n\r\n"
    "first line\r\n--Xy not the boundary\r\nend of file"
    "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nignored\r\n--XyZ--\r\n";
const std::string kContent = "first line\r\n--Xy not the boundary\r\nend of file";

std::string readInChunks(const std::string& body, size_t chunk, bool* finished = nullptr) {
  MultipartReader reader("XyZ");
  std::string out;
  for (size_t at = 0; at < body.size(); at += chunk) {
    EXPECT_TRUE(reader.feed(body.substr(at, chunk), [&](std::string_view part) { out += part; }))
        << reader.error();
  }
  if (finished != nullptr) {
    *finished = reader.finished();
  }
  return out;
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(MultipartReader::boundaryOf("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(MultipartReader::boundaryOf("Multipart/Form-Data; boundary=\"a b\"; x=1"), "a b");
  EXPECT_EQ(MultipartReader::boundaryOf("multipart/form-data"), "");
  EXPECT_EQ(MultipartReader::boundaryOf("multipart/form-data; boundary=" + std::string(71, 'x')), "");
  EXPECT_FALSE(MultipartReader::boundaryOf("video/webm").has_value());
}

TEST(Multipart, FirstPartWhateverTheChunks) {
  for (size_t chunk : {1u, 2u, 3u, 7u, 16u, 1000u}) {
    bool finished = false;
    EXPECT_EQ(readInChunks(kBody, chunk, &finished), kContent) << "chunks of " << chunk;
    EXPECT_TRUE(finished);
  }
}

TEST(Multipart, UnfinishedPartIsNotFinished) {
  bool finished = true;
  const std::string cut = kBody.substr(0, kBody.find("end of file"));
  readInChunks(cut, 5, &finished);
  EXPECT_FALSE(finished);
}

TEST(Multipart, RefusesABodyWithoutBoundaryLine) {
  MultipartReader reader("XyZ");
  const std::string junk(20000, 'a');
  EXPECT_FALSE(reader.feed(junk, [](std::string_view) {}));
  EXPECT_EQ(reader.error(), "no multipart boundary line");
  EXPECT_FALSE(reader.feed("more", [](std::string_view) {}));
}

}  // namespace
}  // namespace kms::host
