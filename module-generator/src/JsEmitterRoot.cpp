// The client runtime that is not derived from IDL methods: the root class of a hierarchy
// (MediaObject) and the parts of core's MediaPipeline, Hub and MediaElement that kurento-client
// calls (transactions, create, createHubPort, connecting arrays). See JsEmitter.hpp.
#include "JsEmitter.hpp"

#include <string>

namespace kmsidl {
namespace {

// Inside the root constructor, after the parent (EventEmitter) constructor ran.
constexpr const char* kRootConstructor = R"(
  var self = this;

  // The server's id arrives once the object exists (or its creation failed).
  this.once('_id', function(error, id) {
    if (error)
      return Object.defineProperties(this, {
        '_createError': {value: error},
        'id': {value: null, enumerable: true}
      });

    Object.defineProperty(this, 'id', {configurable: true, enumerable: true, value: id});
  });

  // Listening to a server event subscribes to it; removing its last listener unsubscribes.
  var subscriptions = {};

  function isClientEvent(event) {
    return event[0] === '_' || event === 'release' || event === 'newListener' ||
           event === 'removeListener';
  }

  this.on('newListener', function(event) {
    if (isClientEvent(event)) return;

    var constructor = this.constructor;
    if (constructor.events.indexOf(event) < 0)
      throw new SyntaxError(constructor.name + " doesn't accept events of type '" + event + "'");

    if (this.listenerCount(event)) return;

    this.emit('_rpc', undefined, 'subscribe', {object: this, type: event}, function(error, token) {
      if (error) return self.emit('error', error);

      subscriptions[event] = token;
    });
  });

  this.on('removeListener', function(event) {
    if (isClientEvent(event) || this.listenerCount(event)) return;
    if (!subscriptions.hasOwnProperty(event)) return;

    var token = subscriptions[event];
    var params = {object: this, subscription: token.value, sessionId: token.sessionId};
    this.emit('_rpc', undefined, 'unsubscribe', params, function(error) {
      if (error) return self.emit('error', error);

      delete subscriptions[event];
    });
  });
)";

// After the root's generated methods; %C% is the class name.
constexpr const char* kRootPrototype = R"(//
// Client runtime of the root class
//

// Sends `operation` to the server; resolves with the result's value (or the object itself
// for a void operation).
Object.defineProperty(%C%.prototype, '_invoke', {
  enumerable: true,
  value: function(transaction, method, params, callback) {
    var self = this;

    if (params instanceof Function) {
      if (callback) throw new SyntaxError('Nothing can be defined after the callback');

      callback = params;
      params = undefined;
    }

    var promise;
    if (this._createError)
      promise = Promise.reject(this._createError);
    else
      promise = new Promise(function(resolve, reject) {
        var request = {object: self, operation: method};
        if (params) request.operationParams = params;

        self.emit('_rpc', transaction, 'invoke', request, function(error, result) {
          if (error) return reject(error);

          resolve(result.value === undefined ? self : result.value);
        });
      });

    return promiseCallback(promise, callback, this);
  }
});

%C%.prototype.release = function(callback) {
  var transaction = (arguments[0] instanceof Transaction)
                  ? Array.prototype.shift.apply(arguments)
                  : undefined;
  var self = this;

  var promise;
  if (this._createError)
    promise = Promise.reject(this._createError);
  else
    promise = new Promise(function(resolve, reject) {
      self.emit('_rpc', transaction, 'release', {object: self}, function(error) {
        if (error) return reject(error);

        // Released on the server: drop the listeners of its events.
        Object.keys(self._events).forEach(function(event) {
          if (event[0] === '_' || event === 'newListener' || event === 'removeListener' ||
              event === 'release')
            return;

          self.removeAllListeners(event);
        });
        self.emit('release');

        resolve();
      });
    });

  return disguise(promiseCallback(promise, (callback || noop).bind(this)), this);
};

// Thenable: resolves once the server created the object.
%C%.prototype.then = function(onFulfilled, onRejected) {
  var self = this;

  var promise;
  if (this.id != null)
    promise = Promise.resolve(disguise.unthenable(this));
  else if (this.id === null)
    promise = Promise.reject(this._createError);
  else
    promise = new Promise(function(resolve, reject) {
      self.once('_id', function(error) {
        if (error) return reject(error);

        resolve(disguise.unthenable(self));
      });
    });

  promise = promise.then(
      onFulfilled ? onFulfilled.bind(this) : function(result) { return result; },
      onRejected ? onRejected.bind(this) : function(error) { return Promise.reject(error); });

  return disguise(promise, this);
};

%C%.prototype.catch = function(onRejected) {
  return this.then(null, onRejected);
};

Object.defineProperty(%C%.prototype, 'commited', {
  get: function() { return this.id !== undefined; }
});

)";

constexpr const char* kPipelineRequires =
    R"(var MediaObjectCreator = kurentoClient.MediaObjectCreator;
var TransactionsManager = kurentoClient.TransactionsManager;
var transactionOperation = TransactionsManager.transactionOperation;
)";

// MediaPipeline creates its children and groups requests in transactions.
constexpr const char* kPipelineConstructor = R"(
  var self = this;

  var transactionsManager = new TransactionsManager(this, encodeTransaction);
  this.beginTransaction = transactionsManager.beginTransaction.bind(transactionsManager);
  this.endTransaction = transactionsManager.endTransaction.bind(transactionsManager);
  this.transaction = transactionsManager.transaction.bind(transactionsManager);

  // A request goes into the given transaction, else into the open one, else to the server.
  function encode(transaction, method, params, callback, send) {
    if (transaction) return transactionOperation.call(transaction, method, params, callback);
    if (transactionsManager.length)
      return transactionOperation.call(transactionsManager, method, params, callback);
    send();
  }

  function encodeCreate(transaction, params, callback) {
    encode(transaction, 'create', params, callback, function() {
      self.emit('_create', undefined, params, callback);
    });
  }

  function encodeRpc(transaction, method, params, callback) {
    encode(transaction, method, params, callback, function() {
      self.emit('_rpc', undefined, method, params, callback);
    });
  }

  function encodeTransaction(operations, callback) {
    var params = {operations: operations};
    encode(undefined, 'transaction', params, callback, function() {
      self.emit('_transaction', params, callback);
    });
  }

  var describe = this.emit.bind(this, '_describe');
  var creator = new MediaObjectCreator(this, encodeCreate, encodeRpc, encodeTransaction, describe,
                                       strict);
  this.create = creator.create.bind(creator);
)";

constexpr const char* kPipelineExtras =
    R"(// connect(a, b, c) or connect([a, b, c]): connects each element to the next one.
MediaPipeline.prototype.connect = function(media, callback) {
  if (!(media instanceof Array)) {
    media = Array.prototype.slice.call(arguments, 0);
    callback = (typeof media[media.length - 1] === 'function') ? media.pop() : undefined;
  }
  callback = (callback || noop).bind(this);

  if (media.length < 2) throw new SyntaxError('Need at least two media elements to connect');

  return media[0].connect(media.slice(1), callback);
};

)";

constexpr const char* kHubExtras =
    R"(// Creates a HubPort of this hub (kurento-client sends the 'create' request).
Hub.prototype.createHubPort = function(callback) {
  var transaction = (arguments[0] instanceof Transaction)
                  ? Array.prototype.shift.apply(arguments)
                  : undefined;
  callback = (callback || noop).bind(this);

  var hubPort = new HubPort();
  hubPort.on('_rpc', this.emit.bind(this, '_rpc'));

  var params = {type: 'HubPort', constructorParams: {hub: this}};
  Object.defineProperty(params, 'object', {value: hubPort});

  this.emit('_create', transaction, params, callback);

  return hubPort;
};

)";

constexpr const char* kElementExtras =
    R"(// connect(sink, ...) connects one sink; connect([sink1, sink2, ...]) connects this element to
// sink1, sink1 to sink2, and so on. The result carries the last sink's methods.
MediaElement.prototype.connect = function(%PARAMS%) {
  var args = Array.prototype.slice.call(arguments);
  if (args[0] instanceof Transaction) args.shift();
  if (!(args[0] instanceof Array)) return connectOne.apply(this, arguments);

  var sinks = args[0];
  var callback = (args[args.length - 1] instanceof Function) ? args.pop() : undefined;
  if (!sinks.length) throw new SyntaxError('Need at least one media element to connect');
  checkType.checkArray('MediaElement', 'media', sinks);

  var self = this;
  var promise = sinks.reduce(function(previous, next, index) {
    var source = index ? sinks[index - 1] : self;
    return previous.then(function() {
      return new Promise(function(resolve, reject) {
        connectOne.call(source, next, function(error) {
          if (error) return reject(error);
          resolve();
        });
      });
    });
  }, Promise.resolve());

  return disguise(promiseCallback(promise, callback), sinks[sinks.length - 1]);
};

)";

bool isCoreClass(const RemoteClass& remoteClass, const char* name) {
  return remoteClass.module->name == "core" && remoteClass.name == name;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string jsRootConstructorBody() { return kRootConstructor; }

std::string jsRootPrototype(const std::string& className) {
  return replaceAll(kRootPrototype, "%C%", className);
}

std::string jsCoreRequires(const RemoteClass& remoteClass) {
  if (isCoreClass(remoteClass, "MediaPipeline")) {
    return kPipelineRequires;
  }
  if (isCoreClass(remoteClass, "Hub")) {
    return "var HubPort = require('../HubPort');\n";
  }
  return "";
}

std::string jsCoreConstructorBody(const RemoteClass& remoteClass) {
  return isCoreClass(remoteClass, "MediaPipeline") ? kPipelineConstructor : "";
}

std::string jsCoreExtras(const RemoteClass& remoteClass) {
  if (isCoreClass(remoteClass, "MediaPipeline")) {
    return kPipelineExtras;
  }
  if (isCoreClass(remoteClass, "Hub")) {
    return kHubExtras;
  }
  if (isCoreClass(remoteClass, "MediaElement")) {
    // The wrapper keeps the generated signature (sink, ..., callback).
    std::string params;
    for (const auto& method : remoteClass.methods) {
      if (jsCoreChainsConnect(remoteClass, method)) {
        for (const auto& param : method.params) {
          params += jsemit::identifier(param.name) + ", ";
        }
      }
    }
    return replaceAll(kElementExtras, "%PARAMS%", params + "callback");
  }
  return "";
}

bool jsCoreChainsConnect(const RemoteClass& remoteClass, const Method& method) {
  return isCoreClass(remoteClass, "MediaElement") && method.name == "connect" &&
         !method.params.empty();
}

}  // namespace kmsidl
