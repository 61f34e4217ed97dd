// The id of a request too large to parse, from its first and last bytes.
#include "server/RequestId.hpp"

#include <kms/sdk/Json.hpp>

#include <gtest/gtest.h>

namespace kms::host {
namespace {

std::string found(std::string_view head, std::string_view tail) {
  JsonDocument id;
  if (!recoverRequestId(head, tail, id)) {
    return "none";
  }
  return toJsonString(id);
}

TEST(RecoverRequestId, ReadsKurentoClientsTrailingId) {
  EXPECT_EQ(found("{\"jsonrpc\":\"2.0\",\"method\":\"invoke\",\"params\":{\"x\":\"yyy",
                  "yyyyy\"},\"id\":17}"),
            "17");
  EXPECT_EQ(found("", "yy\"} , \"id\" : \"abc\" }\n"), "\"abc\"");
}

TEST(RecoverRequestId, ReadsALeadingTopLevelId) {
  EXPECT_EQ(found("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"p\":\"yyy",
                  "yyyy\"}}"),
            "5");
  EXPECT_EQ(found("{\"params\":{\"a\":[1,{\"b\":2}]},\"id\":\"x\",\"p\":\"yyy", "yyy"), "\"x\"");
}

TEST(RecoverRequestId, IgnoresNestedIds) {
  EXPECT_EQ(found("{\"params\":{\"id\":9,\"name\":\"yyy", "yyy\"}}"), "none");
  EXPECT_EQ(found("{\"params\":{\"value\":\"yyy", "yy\",\"id\":9}}"), "none");
}

TEST(RecoverRequestId, GivesUpOnGarbageAndObjectIds) {
  EXPECT_EQ(found("xxxxxxxx", "xxxxxxx"), "none");
  EXPECT_EQ(found("", ""), "none");
  EXPECT_EQ(found("{\"id\":{\"a\":1},", "\"id\":[1]}"), "none");
  EXPECT_EQ(found("", "\"id\":\"a\\\"b\"}"), "none");
  EXPECT_EQ(found("", "x\"id\":12}"), "none");
}

}  // namespace
}  // namespace kms::host
