#include "Transaction.hpp"

#include "JsonRpc.hpp"

#include <kms/sdk/Error.hpp>

#include <cstdlib>
#include <vector>

namespace kms::host {

namespace {

constexpr std::string_view kNewRefPrefix = "newref:";

[[noreturn]] void malformed(size_t index, const std::string& reason) {
  throw KurentoException(ErrorCode::kMalformedTransaction,
                         "malformed transaction: operation " + std::to_string(index) + " " +
                             reason);
}

// The id an earlier operation returned, for a "newref:<i>" string.
const Json& resolveNewRef(std::string_view text, const std::vector<Json>& results,
                          size_t index) {
  std::string_view digits = text.substr(kNewRefPrefix.size());
  bool numeric = !digits.empty() && digits.size() <= 9;
  for (char c : digits) {
    numeric = numeric && c >= '0' && c <= '9';
  }
  size_t ref = numeric ? std::strtoul(std::string(digits).c_str(), nullptr, 10) : 0;
  if (!numeric || ref >= results.size()) {
    malformed(index, "refers to '" + clip(text) + "', which is not an earlier operation");
  }
  auto value = results[ref].FindMember("value");
  if (value == results[ref].MemberEnd() || !value->value.IsString()) {
    malformed(index, "refers to '" + clip(text) + "', whose result is not an object id");
  }
  return value->value;
}

// Deep copy of `in` with every "newref:<i>" string replaced by the id it refers to. The
// parser bounds the nesting depth, so the recursion is bounded too.
Json substitute(const Json& in, const std::vector<Json>& results, size_t index,
                JsonAllocator& a) {
  if (in.IsString()) {
    std::string_view text(in.GetString(), in.GetStringLength());
    if (text.substr(0, kNewRefPrefix.size()) == kNewRefPrefix) {
      return Json(resolveNewRef(text, results, index), a);
    }
    return Json(in, a);
  }
  if (in.IsObject()) {
    Json out(rapidjson::kObjectType);
    for (const auto& member : in.GetObject()) {
      out.AddMember(Json(member.name, a), substitute(member.value, results, index, a), a);
    }
    return out;
  }
  if (in.IsArray()) {
    Json out(rapidjson::kArrayType);
    out.Reserve(in.Size(), a);
    for (const Json& item : in.GetArray()) {
      out.PushBack(substitute(item, results, index, a), a);
    }
    return out;
  }
  return Json(in, a);
}

}  // namespace

void runTransaction(RpcMethods& methods, const Json& params, RequestContext& context,
                    Json& result, JsonAllocator& a) {
  const Json* operations = findMember(params, "operations");
  if (operations == nullptr || !operations->IsArray()) {
    throw KurentoException(ErrorCode::kMalformedTransaction,
                           "malformed transaction: 'operations' is required (an array of "
                           "requests)");
  }
  static const Json kEmptyObject(rapidjson::kObjectType);
  std::vector<Json> results;
  results.reserve(operations->Size());
  for (rapidjson::SizeType i = 0; i < operations->Size(); ++i) {
    const Json& operation = (*operations)[i];
    if (!operation.IsObject()) {
      malformed(i, "is not an object");
    }
    const Json* methodName = findMember(operation, "method");
    if (methodName == nullptr || !methodName->IsString()) {
      malformed(i, "has no method name");
    }
    RpcMethod method = parseRpcMethod(
        std::string_view(methodName->GetString(), methodName->GetStringLength()));
    if (!RpcMethods::allowedInTransaction(method)) {
      malformed(i, "has method '" + clip(methodName->GetString()) +
                       "', which cannot be part of a transaction");
    }
    const Json* rawParams = findMember(operation, "params");
    if (rawParams != nullptr && !rawParams->IsNull() && !rawParams->IsObject()) {
      malformed(i, "has params that are not an object");
    }
    const Json& opParams = rawParams != nullptr && rawParams->IsObject() ? *rawParams
                                                                         : kEmptyObject;
    Json resolved = substitute(opParams, results, i, a);
    Json opResult(rapidjson::kObjectType);
    try {
      methods.run(method, resolved, context, opResult, a);
    } catch (const KurentoException& e) {
      throw KurentoException(e.code(), "transaction operation " + std::to_string(i) + " (" +
                                           rpcMethodName(method) + ") failed: " + e.what());
    }
    opResult.AddMember("sessionId", Json(context.sessionId, a), a);
    results.push_back(std::move(opResult));
  }
  Json values(rapidjson::kArrayType);
  values.Reserve(static_cast<rapidjson::SizeType>(results.size()), a);
  for (Json& item : results) {
    values.PushBack(item, a);
  }
  result.AddMember("value", values, a);
}

}  // namespace kms::host
