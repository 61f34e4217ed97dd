// The `transaction` method: a list of operations run in order, where later operations refer
// to the results of earlier ones as "newref:<index>".
#pragma once

#include "RpcMethods.hpp"

namespace kms::host {

// Error policy (Kurento-compatible in spirit, documented for clients):
// - `operations` missing or not an array: -32602 INVALID_PARAMS (like any bad param);
// - an operation that is not an object, has no string `method`, names a method that cannot
//   be part of a transaction (transaction, connect, ping, unknown), has non-object `params`,
//   or refers to a "newref:<i>" that is not an earlier result with a string value:
//   40008 MALFORMED_TRANSACTION;
// - an operation that fails while running: the operation's own error code, its message
//   prefixed with "transaction operation <i> (<method>) failed: ". Operations run before
//   the failing one are not rolled back (neither does Kurento).
// The result is {value: [<result of each operation>]}; each result carries its sessionId.
void runTransaction(RpcMethods& methods, const Json& params, RequestContext& context,
                    Json& result, JsonAllocator& allocator);

}  // namespace kms::host
