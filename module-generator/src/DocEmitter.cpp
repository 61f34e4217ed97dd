// Builds a module's API-reference page (doc::Document) from the validated IDL model and the
// `doc` strings of the IDL text, then renders it (DocEmitterRender.cpp).
#include "DocEmitter.hpp"

#include "DocEmitterModel.hpp"
#include "FileWriter.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

namespace kmsidl {

std::string classAnchor(const std::string& className) { return "class-" + className; }
std::string memberAnchor(const std::string& className, const std::string& member) {
  return "class-" + className + "-" + member;
}
std::string eventAnchor(const std::string& eventName) { return "event-" + eventName; }
std::string typeAnchor(const std::string& typeName) { return "type-" + typeName; }

DocFormat docFormatFromName(const std::string& name) {
  if (name == "markdown" || name == "md") {
    return DocFormat::kMarkdown;
  }
  if (name == "html") {
    return DocFormat::kHtml;
  }
  return DocFormat::kInvalid;
}

namespace {

using namespace doc;  // NOLINT(google-build-using-namespace): the builders read as a DSL

// The `doc` strings of a module, found through the JSON paths the model keeps
// ("remoteClasses[3].methods[1].params[0]").
class DocStrings {
 public:
  explicit DocStrings(const Module& module) {
    document_.Parse(module.text.c_str(), module.text.size());
  }

  std::string at(const std::string& path) const {
    const rapidjson::Value* value = document_.HasParseError() ? nullptr : &document_;
    size_t start = 0;
    while (value != nullptr && start < path.size()) {
      size_t end = path.find('.', start);
      end = end == std::string::npos ? path.size() : end;
      value = step(*value, path.substr(start, end - start));
      start = end + 1;
    }
    if (value == nullptr || !value->IsObject()) {
      return "";
    }
    auto doc = value->FindMember("doc");
    return doc != value->MemberEnd() && doc->value.IsString() ? doc->value.GetString() : "";
  }

 private:
  // One path component: "name", "name[3]".
  static const rapidjson::Value* step(const rapidjson::Value& value, const std::string& part) {
    const size_t bracket = part.find('[');
    const std::string key = part.substr(0, bracket);
    if (!value.IsObject() || !value.HasMember(key.c_str())) {
      return nullptr;
    }
    const rapidjson::Value* member = &value[key.c_str()];
    if (bracket != std::string::npos) {
      const size_t index = std::stoul(part.substr(bracket + 1));
      if (!member->IsArray() || index >= member->Size()) {
        return nullptr;
      }
      member = &(*member)[static_cast<rapidjson::SizeType>(index)];
    }
    return member;
  }

  rapidjson::Document document_;
};

std::string jsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

void append(Inlines& to, const Inlines& from) { to.insert(to.end(), from.begin(), from.end()); }

template <class T>
std::vector<const T*> sortedByName(const std::vector<T>& items) {
  std::vector<const T*> sorted;
  for (const T& item : items) {
    sorted.push_back(&item);
  }
  std::sort(sorted.begin(), sorted.end(), [](const T* a, const T* b) { return a->name < b->name; });
  return sorted;
}

class PageBuilder {
 public:
  explicit PageBuilder(const Module& module) : module_(module) {
    scope_.push_back(&module);
    scope_.insert(scope_.end(), module.importedModules.begin(), module.importedModules.end());
    resolver_ = [this](const std::string& role, const std::string& name) {
      return resolve(role, name);
    };
  }

  Document build() {
    header();
    if (!module_.remoteClasses.empty()) {
      blocks_.push_back(heading(2, "remote-classes", {text("Remote classes")}));
      for (const RemoteClass* remoteClass : sortedByName(module_.remoteClasses)) {
        classSection(*remoteClass);
      }
    }
    if (!module_.events.empty()) {
      blocks_.push_back(heading(2, "events", {text("Events")}));
      for (const Event* event : sortedByName(module_.events)) {
        eventSection(*event);
      }
    }
    if (!module_.complexTypes.empty()) {
      blocks_.push_back(heading(2, "complex-types", {text("Complex types")}));
      for (const ComplexType* type : sortedByName(module_.complexTypes)) {
        typeSection(*type);
      }
    }
    return Document{"Module " + module_.name + " API reference", std::move(blocks_)};
  }

 private:
  // --- links and docs ------------------------------------------------------------------------

  LinkTarget target(const Module* owner, std::string anchor) const {
    return LinkTarget{owner == &module_ || owner == nullptr ? "" : owner->name, std::move(anchor),
                      ""};
  }
  Span classLink(const RemoteClass& c) const {
    return link(c.name, target(c.module, classAnchor(c.name)), true);
  }
  Span eventLink(const Event& e) const {
    return link(e.name, target(e.module, eventAnchor(e.name)), true);
  }
  Span typeLink(const ComplexType& t) const {
    return link(t.name, target(t.module, typeAnchor(t.name)), true);
  }

  // "MediaPipeline", "kurento.MediaPipeline", "core.Tag" -> the module and the bare name.
  std::vector<std::pair<const Module*, std::string>> candidates(const std::string& name) const {
    std::vector<std::pair<const Module*, std::string>> found;
    const size_t dot = name.find('.');
    const std::string qualifier = dot == std::string::npos ? "" : name.substr(0, dot);
    for (const Module* module : scope_) {
      found.emplace_back(module, name);
      if (!qualifier.empty() &&
          (module->name == qualifier || module->qualifiedPrefix() == qualifier)) {
        found.emplace_back(module, name.substr(dot + 1));
      }
    }
    return found;
  }

  std::optional<LinkTarget> memberOf(const RemoteClass& owner, const std::string& member) const {
    for (const RemoteClass* walk = &owner; walk != nullptr; walk = walk->parent) {
      const bool isMethod = std::any_of(walk->methods.begin(), walk->methods.end(),
                                        [&](const Method& m) { return m.name == member; });
      const bool isProperty = std::any_of(walk->properties.begin(), walk->properties.end(),
                                          [&](const Property& p) { return p.name == member; });
      if (isMethod || isProperty) {
        return target(walk->module, memberAnchor(walk->name, member));
      }
    }
    return std::nullopt;
  }

  // What a role in a doc string names (see doc::NameResolver).
  std::optional<LinkTarget> resolve(const std::string& role, const std::string& name) const {
    const bool wantsMember = role == "meth" || role == "attr" || role == "prop" ||
                             role == "property" || role == "method" || role == "member";
    for (const auto& [module, bare] : candidates(name)) {
      if (const RemoteClass* c = module->findClass(bare); c != nullptr && role != "evt") {
        return target(module, classAnchor(c->name));
      }
      if (const Event* e = module->findEvent(bare); e != nullptr && role != "cls") {
        return target(module, eventAnchor(e->name));
      }
      if (const ComplexType* t = module->findType(bare); t != nullptr && role != "evt") {
        return target(module, typeAnchor(t->name));
      }
      const size_t dot = bare.rfind('.');
      if (dot != std::string::npos) {
        if (const RemoteClass* owner = module->findClass(bare.substr(0, dot))) {
          auto member = memberOf(*owner, bare.substr(dot + 1));
          return member ? member : target(module, classAnchor(owner->name));
        }
      }
    }
    if (wantsMember && name.find('.') == std::string::npos) {
      // A bare member name: a link when exactly one class of this module has it.
      std::optional<LinkTarget> only;
      for (const RemoteClass& c : module_.remoteClasses) {
        if (auto found = memberOf(c, name);
            found && found->page.empty() && found->anchor == memberAnchor(c.name, name)) {
          if (only) {
            return std::nullopt;
          }
          only = found;
        }
      }
      return only;
    }
    return std::nullopt;
  }

  std::string docOf(const Module* owner, const std::string& path) {
    auto& strings = docs_[owner];
    if (!strings) {
      strings = std::make_unique<DocStrings>(*owner);
    }
    return strings->at(path);
  }

  // The doc at `path` of this module as blocks appended to the page.
  void docBlocks(const std::string& path) {
    for (Block& block : parseDocText(docOf(&module_, path), resolver_)) {
      blocks_.push_back(std::move(block));
    }
  }

  // " — <doc>" for list items; nothing when there is no doc.
  Inlines docSuffix(const Module* owner, const std::string& path) {
    Inlines inlines = parseDocInline(docOf(owner, path), resolver_);
    if (!inlines.empty()) {
      inlines.insert(inlines.begin(), text(" \xE2\x80\x94 "));
    }
    return inlines;
  }

  Inlines typeInlines(const TypeRef& type) const {
    switch (type.kind) {
      case TypeKind::kArray:
      case TypeKind::kMap:
        if (type.element) {
          Inlines inlines = typeInlines(*type.element);
          inlines.push_back(code(type.kind == TypeKind::kArray ? "[]" : "<>"));
          return inlines;
        }
        break;
      case TypeKind::kRemoteClass:
        if (type.remoteClass != nullptr) {
          return {classLink(*type.remoteClass)};
        }
        break;
      case TypeKind::kEnum:
      case TypeKind::kRegister:
        if (type.complexType != nullptr) {
          return {typeLink(*type.complexType)};
        }
        break;
      default:
        break;
    }
    return {code(type.text)};
  }

  // --- sections ------------------------------------------------------------------------------

  void header() {
    blocks_.push_back(heading(1, "", {code(module_.name), text(" module API reference")}));
    blocks_.push_back(paragraph({text("Version " + module_.version + ". Generated by "),
                                 code("kurento-module-creator --generate-docs"), text(" from "),
                                 code(module_.fileName), text("; do not edit.")}));
    if (!module_.importedModules.empty()) {
      Inlines imports{strong("Imports:"), text(" ")};
      for (const Module* imported : module_.importedModules) {
        if (imported != module_.importedModules.front()) {
          imports.push_back(text(", "));
        }
        imports.push_back(link(imported->name, target(imported, ""), true));
      }
      blocks_.push_back(paragraph(std::move(imports)));
    }
    Block contents;
    contents.kind = BlockKind::kList;
    addContents(contents, "Remote classes", "remote-classes", sortedByName(module_.remoteClasses),
                [this](const RemoteClass* c) { return classLink(*c); });
    addContents(contents, "Events", "events", sortedByName(module_.events),
                [this](const Event* e) { return eventLink(*e); });
    addContents(contents, "Complex types", "complex-types", sortedByName(module_.complexTypes),
                [this](const ComplexType* t) { return typeLink(*t); });
    if (!contents.items.empty()) {
      blocks_.push_back(std::move(contents));
    }
  }

  template <class T, class F>
  void addContents(Block& contents, const char* title, const char* anchor,
                   const std::vector<const T*>& items, F makeLink) {
    if (items.empty()) {
      return;
    }
    Inlines line{link(title, target(&module_, anchor), false), text(": ")};
    for (const T* item : items) {
      if (item != items.front()) {
        line.push_back(text(", "));
      }
      line.push_back(makeLink(item));
    }
    contents.items.push_back({"", std::move(line)});
  }

  // `name`: Type, optional, default `x` — doc
  ListItem paramItem(const Module* owner, const Param& param) {
    Inlines item{code(param.name), text(": ")};
    append(item, typeInlines(param.type));
    if (param.optional) {
      item.push_back(text(", optional"));
    }
    if (param.defaultValue) {
      item.push_back(text(", default "));
      item.push_back(code(jsonText(*param.defaultValue)));
    }
    append(item, docSuffix(owner, param.path));
    return {"", std::move(item)};
  }

  ListItem propertyItem(const Module* owner, const Property& property, std::string anchor) {
    Inlines item{code(property.name), text(": ")};
    append(item, typeInlines(property.type));
    if (property.readOnly) {
      item.push_back(text(", read-only"));
    }
    if (property.isFinal) {
      item.push_back(text(", final (set at creation)"));
    }
    if (property.optional) {
      item.push_back(text(", optional"));
    }
    if (property.defaultValue) {
      item.push_back(text(", default "));
      item.push_back(code(jsonText(*property.defaultValue)));
    }
    append(item, docSuffix(owner, property.path));
    return {std::move(anchor), std::move(item)};
  }

  void list(std::vector<ListItem> items) {
    Block block;
    block.kind = BlockKind::kList;
    block.items = std::move(items);
    blocks_.push_back(std::move(block));
  }

  void classSummary(const RemoteClass& remoteClass) {
    Inlines summary;
    if (remoteClass.isAbstract) {
      summary = {strong("Abstract"), text(": not created directly; use a subclass.")};
    }
    const auto ancestors = ancestorsOf(remoteClass);
    if (!ancestors.empty()) {
      summary.push_back(text(summary.empty() ? "Extends " : " Extends "));
      for (const RemoteClass* ancestor : ancestors) {
        summary.push_back(text(ancestor == ancestors.front() ? "" : " \xE2\x86\x92 "));
        summary.push_back(classLink(*ancestor));
      }
      summary.push_back(text("."));
    }
    std::vector<const RemoteClass*> subclasses;
    for (const RemoteClass* candidate : sortedByName(module_.remoteClasses)) {
      if (candidate->parent == &remoteClass) {
        subclasses.push_back(candidate);
      }
    }
    for (const RemoteClass* subclass : subclasses) {
      summary.push_back(text(subclass == subclasses.front() ? " Subclasses: " : ", "));
      summary.push_back(classLink(*subclass));
    }
    if (!subclasses.empty()) {
      summary.push_back(text("."));
    }
    if (!summary.empty()) {
      blocks_.push_back(paragraph(std::move(summary)));
    }
  }

  void classSection(const RemoteClass& remoteClass) {
    blocks_.push_back(heading(3, classAnchor(remoteClass.name), {text(remoteClass.name)}));
    classSummary(remoteClass);
    docBlocks(remoteClass.path);
    if (remoteClass.hasConstructor && !remoteClass.isAbstract) {
      blocks_.push_back(heading(4, "", {text("Constructor")}));
      docBlocks(remoteClass.constructorPath);
      std::vector<ListItem> params;
      for (const Param& param : remoteClass.constructorParams) {
        params.push_back(paramItem(&module_, param));
      }
      if (params.empty()) {
        blocks_.push_back(paragraph({text("No parameters.")}));
      } else {
        list(std::move(params));
      }
    }
    if (!remoteClass.properties.empty()) {
      blocks_.push_back(heading(4, "", {text("Properties")}));
      std::vector<ListItem> properties;
      for (const Property& property : remoteClass.properties) {
        properties.push_back(
            propertyItem(&module_, property, memberAnchor(remoteClass.name, property.name)));
      }
      list(std::move(properties));
    }
    if (!remoteClass.methods.empty()) {
      blocks_.push_back(heading(4, "", {text("Methods")}));
      for (const Method& method : remoteClass.methods) {
        methodSection(remoteClass, method);
      }
    }
    if (!remoteClass.eventRefs.empty()) {
      blocks_.push_back(heading(4, "", {text("Events")}));
      std::vector<ListItem> events;
      for (const Event* event : remoteClass.eventRefs) {
        Inlines item{eventLink(*event)};
        append(item, docSuffix(event->module, event->path));
        events.push_back({"", std::move(item)});
      }
      list(std::move(events));
    }
  }

  void methodSection(const RemoteClass& owner, const Method& method) {
    blocks_.push_back(
        heading(5, memberAnchor(owner.name, method.name), {code(method.name + "()")}));
    Inlines signature{code(method.name), text("(")};
    for (const Param& param : method.params) {
      if (&param != &method.params.front()) {
        signature.push_back(text(", "));
      }
      signature.push_back(text(param.name + (param.optional ? "?" : "") + ": "));
      append(signature, typeInlines(param.type));
    }
    signature.push_back(text(")"));
    if (method.hasReturn) {
      signature.push_back(text(" \xE2\x86\x92 "));
      append(signature, typeInlines(method.returnType));
    }
    blocks_.push_back(paragraph(std::move(signature)));
    docBlocks(method.path);
    if (!method.params.empty()) {
      blocks_.push_back(paragraph({strong("Parameters:")}));
      std::vector<ListItem> params;
      for (const Param& param : method.params) {
        params.push_back(paramItem(&module_, param));
      }
      list(std::move(params));
    }
    if (method.hasReturn) {
      Inlines returns{strong("Returns:"), text(" ")};
      append(returns, typeInlines(method.returnType));
      append(returns, docSuffix(&module_, method.path + ".return"));
      blocks_.push_back(paragraph(std::move(returns)));
    }
  }

  // "Also carries the properties of Parent: `a`, `b`." for events and REGISTER types.
  template <class T>
  void inheritedProperties(const T& item) {
    Inlines inherited;
    for (const T* walk = item.parent; walk != nullptr && walk != &item; walk = walk->parent) {
      if (walk->properties.empty()) {
        continue;
      }
      inherited.push_back(text(inherited.empty() ? "Inherited properties: " : "; "));
      for (const Property& property : walk->properties) {
        inherited.push_back(text(&property == &walk->properties.front() ? "" : ", "));
        inherited.push_back(code(property.name));
      }
      inherited.push_back(text(" from "));
      inherited.push_back(walk->module == nullptr
                              ? code(walk->name)
                              : link(walk->name, target(walk->module, anchorOf(*walk)), true));
    }
    if (!inherited.empty()) {
      inherited.push_back(text("."));
      blocks_.push_back(paragraph(std::move(inherited)));
    }
  }
  static std::string anchorOf(const Event& event) { return eventAnchor(event.name); }
  static std::string anchorOf(const ComplexType& type) { return typeAnchor(type.name); }

  void eventSection(const Event& event) {
    blocks_.push_back(heading(3, eventAnchor(event.name), {text(event.name)}));
    Inlines summary;
    if (event.parent != nullptr) {
      summary = {text("Extends "), eventLink(*event.parent), text(".")};
    }
    std::vector<const RemoteClass*> raisers;
    for (const RemoteClass* c : sortedByName(module_.remoteClasses)) {
      if (std::find(c->eventRefs.begin(), c->eventRefs.end(), &event) != c->eventRefs.end()) {
        raisers.push_back(c);
      }
    }
    for (const RemoteClass* c : raisers) {
      summary.push_back(
          text(c == raisers.front() ? (summary.empty() ? "Raised by " : " Raised by ") : ", "));
      summary.push_back(classLink(*c));
    }
    if (!raisers.empty()) {
      summary.push_back(text("."));
    }
    if (!summary.empty()) {
      blocks_.push_back(paragraph(std::move(summary)));
    }
    docBlocks(event.path);
    propertiesOf(event);
  }

  template <class T>
  void propertiesOf(const T& item) {
    if (!item.properties.empty()) {
      blocks_.push_back(paragraph({strong("Properties:")}));
      std::vector<ListItem> properties;
      for (const Property& property : item.properties) {
        properties.push_back(propertyItem(&module_, property, ""));
      }
      list(std::move(properties));
    }
    inheritedProperties(item);
  }

  void typeSection(const ComplexType& type) {
    blocks_.push_back(heading(3, typeAnchor(type.name), {text(type.name)}));
    Inlines summary{
        text(type.format == TypeFormat::kEnum ? "Enumeration (ENUM)." : "Record (REGISTER).")};
    if (type.parent != nullptr) {
      append(summary, {text(" Extends "), typeLink(*type.parent), text(".")});
    }
    blocks_.push_back(paragraph(std::move(summary)));
    docBlocks(type.path);
    if (type.format == TypeFormat::kEnum) {
      blocks_.push_back(paragraph({strong("Values:")}));
      std::vector<ListItem> values;
      for (const std::string& value : type.values) {
        values.push_back({typeAnchor(type.name) + "-" + value, {code(value)}});
      }
      list(std::move(values));
    } else {
      propertiesOf(type);
    }
  }

  const Module& module_;
  std::vector<const Module*> scope_;  // this module, then its imports
  NameResolver resolver_;
  std::map<const Module*, std::unique_ptr<DocStrings>> docs_;
  std::vector<Block> blocks_;
};

}  // namespace

GeneratedFile emitDocs(const Module& module, DocFormat format) {
  const Document document = PageBuilder(module).build();
  if (format == DocFormat::kHtml) {
    return {module.name + ".html", renderHtml(document)};
  }
  return {module.name + ".md", renderMarkdown(document)};
}

std::string generateDocs(const Module& module, DocFormat format, const std::string& outputDir) {
  const GeneratedFile page = emitDocs(module, format);
  const std::string path = (std::filesystem::path(outputDir) / page.name).string();
  writeIfChanged(path, page.content);
  return path;
}

}  // namespace kmsidl
