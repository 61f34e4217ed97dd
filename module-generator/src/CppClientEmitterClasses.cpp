// Client side of the module's remote classes: one proxy class per IDL class, deriving from
// the proxy of the IDL parent (or kms::client::RemoteObject), with create(), the methods,
// property accessors and event subscriptions.
#include "CppClientEmitter.hpp"

#include "CppNames.hpp"
#include "IdlValidator.hpp"

namespace kmsidl {
namespace client {
namespace {

bool isCreatable(const RemoteClass& remoteClass) {
  return remoteClass.hasConstructor && !remoteClass.isAbstract;
}

bool hasSetter(const Property& property) { return !property.readOnly && !property.isFinal; }

std::string parentName(const ClientContext& context, const RemoteClass& remoteClass) {
  return remoteClass.parent != nullptr
             ? scoped(context, *remoteClass.parent->module, remoteClass.parent->name)
             : "kms::client::RemoteObject";
}

std::string returnType(const ClientContext& context, const Method& method) {
  return method.hasReturn ? clientType(context, method.returnType) : "void";
}

std::string createParams(const ClientContext& context, const RemoteClass& remoteClass,
                         bool declaration) {
  const std::string rest = clientParamList(context, remoteClass.constructorParams, declaration);
  return "const kms::client::ConnectionPtr& connection" + (rest.empty() ? "" : ", " + rest);
}

std::string eventHandlerType(const ClientContext& context, const Event& event) {
  return "std::function<void(const " + scopedEvent(context, event) + "&)>";
}

std::string classDeclaration(const ClientContext& context, const RemoteClass& remoteClass) {
  const std::string& name = remoteClass.name;
  const std::string parent = parentName(context, remoteClass);
  std::string out = "class " + name + " : public " + parent + " {\n public:\n";
  out += "  // Wraps the id of an existing " + name + ".\n  using " + parent +
         "::" + parent.substr(parent.rfind(':') + 1) + ";\n";
  if (isCreatable(remoteClass)) {
    out += "\n  // Creates a " + name + " on the server (`create`).\n  static std::shared_ptr<" +
           name + "> create(" + createParams(context, remoteClass, true) + ");\n";
  }
  if (!remoteClass.methods.empty()) {
    out += "\n";
  }
  for (const auto& method : remoteClass.methods) {
    out += "  " + returnType(context, method) + " " + methodName(method.name) + "(" +
           clientParamList(context, method.params, true) + ");\n";
  }
  if (!remoteClass.properties.empty()) {
    out += "\n";
  }
  for (const auto& property : remoteClass.properties) {
    out += "  " + clientType(context, property.type) + " " + getterMethod(property.name) +
           "();\n";
    if (hasSetter(property)) {
      out += "  void " + setterMethod(property.name) + "(const " +
             clientType(context, property.type) + "& value);\n";
    }
  }
  if (!remoteClass.eventRefs.empty()) {
    out +=
        "\n  // Each returns the subscription id; the handler runs on the connection's event "
        "thread.\n";
  }
  for (const Event* event : remoteClass.eventRefs) {
    out += "  std::string " + methodName("subscribe" + event->name) + "(" +
           eventHandlerType(context, *event) + " handler);\n";
    out += "  void " + methodName("unsubscribe" + event->name) +
           "(const std::string& subscriptionId);\n";
  }
  return out + "};\n\n";
}

std::string convertResult(const ClientContext& context, const TypeRef& type,
                          const std::string& operation) {
  return "kms::client::Convert<" + clientType(context, type) + ">::from(resultValue(result_, " +
         stringLiteral(operation) + "), connection(), " + stringLiteral(operation + " result") +
         ")";
}

// The body of an operation: params, `invoke`, conversion of the returned value.
std::string invokeBody(const ClientContext& context, const std::string& operation,
                       const std::string& params, const TypeRef* returned) {
  std::string out = "  kms::client::Params params_;\n" + params;
  if (returned == nullptr) {
    return out + "  invokeOperation(" + stringLiteral(operation) + ", std::move(params_));\n";
  }
  return out + "  const auto result_ = invokeOperation(" + stringLiteral(operation) +
         ", std::move(params_));\n  return " + convertResult(context, *returned, operation) + ";\n";
}

std::string createDefinition(const ClientContext& context, const RemoteClass& remoteClass) {
  const std::string& name = remoteClass.name;
  return "std::shared_ptr<" + name + "> " + name + "::create(" +
         createParams(context, remoteClass, false) + ") {\n  kms::client::Params params_;\n" +
         setParams(context, remoteClass.constructorParams) + "  return std::make_shared<" + name +
         ">(connection, connection->create(" +
         stringLiteral(remoteClass.module->qualifiedName(name)) + ", std::move(params_)));\n}\n\n";
}

std::string eventDefinitions(const ClientContext& context, const RemoteClass& remoteClass,
                             const Event& event) {
  const std::string& name = remoteClass.name;
  const std::string structName = scopedEvent(context, event);
  std::string out = "std::string " + name + "::" + methodName("subscribe" + event.name) + "(" +
                    eventHandlerType(context, event) + " handler) {\n";
  out +=
      "  std::weak_ptr<kms::client::Connection> weak = connection();\n"
      "  return subscribeEvent(" +
      stringLiteral(event.name) +
      ", [weak, handler = std::move(handler)](const kms::client::Json& data) {\n"
      "    if (auto connection = weak.lock()) {\n"
      "      handler(" +
      structName + "::fromJson(data, connection, " + stringLiteral(event.name + " event") +
      "));\n    }\n  });\n}\n\n";
  out += "void " + name + "::" + methodName("unsubscribe" + event.name) +
         "(const std::string& subscriptionId) {\n  unsubscribe(subscriptionId);\n}\n\n";
  return out;
}

std::string classMemberDefinitions(const ClientContext& context, const RemoteClass& remoteClass) {
  const std::string& name = remoteClass.name;
  std::string out;
  if (isCreatable(remoteClass)) {
    out += createDefinition(context, remoteClass);
  }
  for (const auto& method : remoteClass.methods) {
    out += returnType(context, method) + " " + name + "::" + methodName(method.name) + "(" +
           clientParamList(context, method.params, false) + ") {\n" +
           invokeBody(context, method.name, setParams(context, method.params),
                      method.hasReturn ? &method.returnType : nullptr) +
           "}\n\n";
  }
  for (const auto& property : remoteClass.properties) {
    const std::string type = clientType(context, property.type);
    const std::string getter = getterMethod(property.name);
    out += type + " " + name + "::" + getter + "() {\n" +
           invokeBody(context, getterName(property.name), "", &property.type) + "}\n\n";
    if (hasSetter(property)) {
      out += "void " + name + "::" + setterMethod(property.name) + "(const " + type +
             "& value) {\n" +
             invokeBody(context, setterName(property.name),
                        "  params_.set(" + stringLiteral(property.name) + ", value);\n", nullptr) +
             "}\n\n";
    }
  }
  for (const Event* event : remoteClass.eventRefs) {
    out += eventDefinitions(context, remoteClass, *event);
  }
  return out;
}

}  // namespace

std::string classDeclarations(const ClientContext& context) {
  std::string out;
  for (const RemoteClass* remoteClass :
       parentsFirst(context.module, context.module.remoteClasses)) {
    out += classDeclaration(context, *remoteClass);
  }
  return out;
}

std::string classDefinitions(const ClientContext& context) {
  std::string out;
  for (const auto& remoteClass : context.module.remoteClasses) {
    out += classMemberDefinitions(context, remoteClass);
  }
  return out;
}

}  // namespace client
}  // namespace kmsidl
