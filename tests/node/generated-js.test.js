// kurento-module-creator --generate-js (docs/design/generated-js.md), against the real
// kurento-client 7.3.0:
// 1. conformance: the packages generated from modules/{core,elements,filters} have the same
//    classes, methods (parameter names in order), accessors, constructor params, events and
//    complex types as the official kurento-client-core/elements/filters 7.3.0;
// 2. a third-party module (tests/generator/sample-js) extending core's Filter registers into
//    kurento-client, and its checkers reject bad values with kurento-client's errors.
// The generator comes from KMS_MODULE_CREATOR (set by CMake).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const kurentoClient = require('kurento-client');

const creator = process.env.KMS_MODULE_CREATOR;
const repo = path.resolve(__dirname, '..', '..');
const idl = (name) => path.join(repo, 'modules', name, `${name}.kmd.json`);
const fixtureKmd = path.join(repo, 'tests', 'generator', 'sample-js', 'jsfixture.kmd.json');

let workDir;

function generate(kmd, imports, output) {
  const args = ['--generate-js', '--kmd', kmd];
  for (const imported of imports) args.push('--import-kmd', imported);
  execFileSync(creator, [...args, '--output', output], { stdio: 'pipe' });
  return output;
}

before(() => {
  assert.ok(creator, 'set KMS_MODULE_CREATOR to the kurento-module-creator binary');
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-generated-js-'));
  // The generated packages require kurento-client, inherits, ...: resolve them (and so share
  // one kurento-client instance with this test) through the test's node_modules.
  fs.symlinkSync(path.join(__dirname, 'node_modules'), path.join(workDir, 'node_modules'));
  generate(idl('core'), [], path.join(workDir, 'core'));
  generate(idl('elements'), [idl('core')], path.join(workDir, 'elements'));
  generate(idl('filters'), [idl('core'), idl('elements')], path.join(workDir, 'filters'));
  generate(fixtureKmd, [idl('core')], path.join(workDir, 'jsfixture'));
});

after(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

// --- what a package exposes ----------------------------------------------------------------

function paramNames(fn) {
  const match = /^function\s*[\w$]*\s*\(([^)]*)\)/.exec(fn.toString());
  return match[1].split(',').map((name) => name.trim()).filter((name) => name);
}

// name -> {module, abstract, ctor} over the classes of several packages.
function classesOf(packages) {
  const classes = new Map();
  for (const [module, pkg] of Object.entries(packages)) {
    for (const [name, value] of Object.entries(pkg)) {
      if (typeof value === 'function') classes.set(name, { module, abstract: false, ctor: value });
    }
    for (const [name, ctor] of Object.entries(pkg.abstracts || {})) {
      classes.set(name, { module, abstract: true, ctor });
    }
  }
  return classes;
}

function typesOf(packages) {
  const types = new Map();
  for (const [module, pkg] of Object.entries(packages)) {
    for (const [name, value] of Object.entries(pkg.complexTypes || {})) {
      types.set(name, { module, value });
    }
  }
  return types;
}

// Own prototype members: "name(param, ...)" for functions, "name [getter]" for accessors.
function membersOf(ctor) {
  const members = new Map();
  for (const name of Object.getOwnPropertyNames(ctor.prototype)) {
    if (name === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(ctor.prototype, name);
    if (typeof descriptor.value === 'function') {
      members.set(name, `${name}(${paramNames(descriptor.value).join(', ')})`);
    } else {
      members.set(name, `${name} [${descriptor.get ? 'getter' : 'value'}]`);
    }
  }
  return members;
}

function constructorParamsOf(ctor) {
  return Object.entries(ctor.constructorParams || {}).map(
    ([name, spec]) => `${name}${spec.required ? '' : '?'}`);
}

// The values an official (regex based) or generated enum checker lists.
function enumValuesOf(checker) {
  const text = checker.toString();
  const official = /match\('([^']*)'\)/.exec(text);
  if (official) return official[1].split('|');
  return null;
}

function idlEnums() {
  const values = new Map();
  for (const name of ['core', 'elements', 'filters']) {
    const module = JSON.parse(fs.readFileSync(idl(name), 'utf8'));
    for (const type of module.complexTypes || []) {
      if (type.typeFormat === 'ENUM') values.set(type.name, type.values);
    }
  }
  return values;
}

// --- comparison ------------------------------------------------------------------------------

function compareList(differences, where, official, generated) {
  const missing = official.filter((item) => !generated.includes(item));
  const extra = generated.filter((item) => !official.includes(item));
  if (missing.length) differences.push(`${where}: missing ${missing.join('; ')}`);
  if (extra.length) differences.push(`${where}: extra ${extra.join('; ')}`);
  if (!missing.length && !extra.length && official.join() !== generated.join()) {
    differences.push(`${where}: order ${generated.join(', ')} instead of ${official.join(', ')}`);
  }
}

function compareClass(differences, name, official, generated) {
  const where = `class ${name}`;
  if (official.abstract !== generated.abstract) {
    differences.push(`${where}: abstract ${generated.abstract} instead of ${official.abstract}`);
  }
  const parentName = (ctor) => (ctor.super_ ? ctor.super_.name : '(none)');
  if (parentName(official.ctor) !== parentName(generated.ctor)) {
    differences.push(`${where}: extends ${parentName(generated.ctor)} instead of ` +
                     parentName(official.ctor));
  }
  const officialMembers = membersOf(official.ctor);
  const generatedMembers = membersOf(generated.ctor);
  compareList(differences, `${where} members`, [...officialMembers.values()].sort(),
              [...generatedMembers.values()].sort());
  compareList(differences, `${where}.constructorParams`, constructorParamsOf(official.ctor),
              constructorParamsOf(generated.ctor));
  compareList(differences, `${where}.events`, [...official.ctor.events].sort(),
              [...generated.ctor.events].sort());
}

function compareRegister(differences, name, official, generated) {
  const where = `complex type ${name}`;
  if (typeof generated.check !== 'function') {
    differences.push(`${where}: REGISTER in kurento-client, not in the generated package`);
    return;
  }
  const officialObject = new official({});
  const generatedObject = new generated({});
  for (const key of ['__module__', '__type__']) {
    if (officialObject[key] !== generatedObject[key]) {
      differences.push(`${where}.${key}: ${generatedObject[key]} instead of ${officialObject[key]}`);
    }
  }
  compareList(differences, `${where} members`, Object.keys(officialObject).sort(),
              Object.keys(generatedObject).sort());
  const parentName = (ctor) => (ctor.super_ ? ctor.super_.name : '(none)');
  if (parentName(official) !== parentName(generated)) {
    differences.push(`${where}: extends ${parentName(generated)} instead of ${parentName(official)}`);
  }
}

function compareEnum(differences, name, official, generated, idlValues) {
  const where = `enum ${name}`;
  if (typeof generated.check === 'function') {
    differences.push(`${where}: ENUM in kurento-client, REGISTER in the generated package`);
    return;
  }
  const officialValues = enumValuesOf(official);
  compareList(differences, `${where} values (IDL)`, officialValues, idlValues || []);
  for (const value of officialValues) {
    try {
      generated('value', value);
    } catch (error) {
      differences.push(`${where}: the generated checker rejects ${value}: ${error.message}`);
    }
  }
  assert.throws(() => generated('value', 'NOT_A_VALUE'), SyntaxError, `${where} accepts anything`);
}

test('generated core/elements/filters match kurento-client 7.3.0, class by class', () => {
  const names = ['core', 'elements', 'filters'];
  const official = Object.fromEntries(names.map((n) => [n, require(`kurento-client-${n}`)]));
  const generated = Object.fromEntries(
    names.map((n) => [n, require(path.join(workDir, n))]));

  for (const name of names) {
    assert.strictEqual(generated[name].name, name);
    assert.strictEqual(generated[name].version, JSON.parse(fs.readFileSync(idl(name))).version);
  }

  const differences = [];
  const placement = [];
  const officialClasses = classesOf(official);
  const generatedClasses = classesOf(generated);
  compareList(differences, 'classes', [...officialClasses.keys()].sort(),
              [...generatedClasses.keys()].sort());
  for (const [name, officialClass] of officialClasses) {
    const generatedClass = generatedClasses.get(name);
    if (!generatedClass) continue;
    if (officialClass.module !== generatedClass.module) {
      placement.push(`${name}: ${generatedClass.module} (kurento-client-${officialClass.module})`);
    }
    compareClass(differences, name, officialClass, generatedClass);
  }

  const officialTypes = typesOf(official);
  const generatedTypes = typesOf(generated);
  compareList(differences, 'complex types', [...officialTypes.keys()].sort(),
              [...generatedTypes.keys()].sort());
  const enums = idlEnums();
  for (const [name, { module, value }] of officialTypes) {
    const generatedType = generatedTypes.get(name);
    if (!generatedType) continue;
    if (module !== generatedType.module) {
      placement.push(`${name}: ${generatedType.module} (kurento-client-${module})`);
    }
    if (typeof value.check === 'function') {
      compareRegister(differences, name, value, generatedType.value);
    } else {
      compareEnum(differences, name, value, generatedType.value, enums.get(name));
    }
  }

  // The project's IDL puts a few declarations in another module than Kurento did; the
  // client registers all of them under "kurento.", so only report it.
  if (placement.length) console.log(`# declared in another module: ${placement.join(', ')}`);
  assert.deepStrictEqual(differences, [], `differences:\n  ${differences.join('\n  ')}`);
});

test('the generated package ships its package.json and IDL', () => {
  const dir = path.join(workDir, 'jsfixture');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const kmd = JSON.parse(fs.readFileSync(fixtureKmd, 'utf8'));
  assert.strictEqual(pkg.name, 'kurento-module-jsfixture');
  assert.strictEqual(pkg.version, kmd.version);
  assert.strictEqual(pkg.main, 'lib/index.js');
  assert.strictEqual(fs.readFileSync(path.join(dir, 'src', 'jsfixture.kmd.json'), 'utf8'),
                     fs.readFileSync(fixtureKmd, 'utf8'));
  const core = JSON.parse(fs.readFileSync(path.join(workDir, 'core', 'package.json'), 'utf8'));
  assert.strictEqual(core.name, 'kurento-client-core');
});

test('a third-party module registers into kurento-client', () => {
  const fixture = require(path.join(workDir, 'jsfixture'));
  assert.strictEqual(fixture.name, 'jsfixture');
  kurentoClient.register(fixture);
  const { register, checkType } = kurentoClient;

  assert.ok(register.modules.includes('jsfixture'));
  const Filter = register.abstracts['kurento.Filter'];
  const Ghost = register.classes['jsfixture.GhostFilter'];
  assert.strictEqual(Ghost, fixture.GhostFilter);
  assert.strictEqual(register.classes.GhostFilter, Ghost);
  assert.strictEqual(register.abstracts['jsfixture.HauntedFilter'], fixture.abstracts.HauntedFilter);
  assert.ok(Object.create(Ghost.prototype) instanceof Filter, 'GhostFilter extends kurento.Filter');
  assert.strictEqual(Ghost.super_, fixture.abstracts.HauntedFilter);
  assert.strictEqual(fixture.abstracts.HauntedFilter.super_, Filter);

  // Methods, accessors (read-only: getter only), events and constructor params.
  const proto = Ghost.prototype;
  assert.deepStrictEqual(paramNames(proto.haunt), ['room', 'level', 'callback']);
  assert.deepStrictEqual(paramNames(proto.getSpookiness), ['callback']);
  assert.deepStrictEqual(paramNames(proto.setSpookiness), ['spookiness', 'callback']);
  assert.strictEqual(typeof proto.getSightings, 'function');
  assert.strictEqual(proto.setSightings, undefined, 'read-only property has no setter');
  assert.strictEqual(typeof proto.connect, 'function', 'inherited from MediaElement');
  assert.deepStrictEqual(Ghost.events.slice(-1), ['GhostSeen']);
  assert.ok(Ghost.events.includes('MediaFlowInStateChanged'), 'inherits MediaElement events');
  assert.deepStrictEqual(Object.keys(Ghost.constructorParams), ['mediaPipeline', 'mood']);
  assert.strictEqual(Ghost.constructorParams.mediaPipeline.type, 'kurento.MediaPipeline');
  assert.strictEqual(Ghost.constructorParams.mood.type, 'jsfixture.Mood');

  // Complex types: the REGISTER through getComplexType, the ENUM as a checker.
  const Sighting = kurentoClient.getComplexType('jsfixture.Sighting');
  assert.strictEqual(Sighting, fixture.complexTypes.Sighting);
  assert.strictEqual(kurentoClient.getComplexType('Sighting'), Sighting);
  const sighting = Sighting({ room: 'attic', mood: 'ANGRY', count: 2 });
  assert.deepStrictEqual(JSON.parse(JSON.stringify(sighting)), {
    room: 'attic', mood: 'ANGRY', count: 2, __module__: 'jsfixture', __type__: 'Sighting',
  });
  assert.strictEqual(checkType['jsfixture.Mood'], fixture.complexTypes.Mood);
  checkType('jsfixture.Mood', 'mood', 'CALM');
  checkType('jsfixture.Sighting', 'sighting', sighting);
  checkType('jsfixture.Sighting', 'sighting', { room: 'hall', mood: 'CALM', count: 1 });
  checkType('jsfixture.Sighting', 'sightings', [sighting], { isArray: true });
});

test('generated checkers reject bad values with kurento-client errors', () => {
  const { checkType } = kurentoClient;
  const fixture = require(path.join(workDir, 'jsfixture'));
  kurentoClient.register(fixture);
  assert.throws(() => checkType('jsfixture.Mood', 'mood', 'SLEEPY'),
                { name: 'SyntaxError', message: 'mood param is not one of [CALM|ANGRY|NULL] (SLEEPY)' });
  assert.throws(() => checkType('jsfixture.Mood', 'mood', 3),
                { name: 'SyntaxError', message: 'mood param should be a String, not number' });
  assert.throws(() => checkType('jsfixture.Sighting', 's', 'attic'),
                { name: 'SyntaxError', message: 's param should be a Sighting, not String' });
  assert.throws(() => checkType('jsfixture.Sighting', 's', { mood: 'CALM', count: 1 }),
                { name: 'SyntaxError', message: 's.room param is required' });
  assert.throws(() => checkType('jsfixture.Sighting', 's', { room: 'a', mood: 'X', count: 1 }),
                { name: 'SyntaxError', message: /^s\.mood param is not one of/ });
  assert.throws(() => checkType('jsfixture.Sighting', 's', { room: 'a', mood: 'CALM', count: 1.5 }),
                { name: 'SyntaxError', message: 's.count param should be a Integer, not Number' });
  assert.throws(() => checkType('jsfixture.Sighting', 's', [{ room: 'a', count: 1 }], { isArray: true }),
                { name: 'SyntaxError', message: 's[0].mood param is required' });
  // Subclass members are checked too (Sighting -> Apparition adds `glow`).
  assert.throws(() => checkType('jsfixture.Apparition', 'a', { room: 'a', mood: 'CALM', count: 1 }),
                { name: 'SyntaxError', message: 'a.glow param is required' });

  // Method params are checked before anything is sent.
  const ghost = Object.create(fixture.GhostFilter.prototype);
  Object.defineProperty(ghost, '_invoke', { value: () => assert.fail('nothing may be sent for bad params') });
  assert.throws(() => ghost.haunt(42), { name: 'SyntaxError', message: 'room param should be a String, not Number' });
  assert.throws(() => ghost.haunt('attic', 'LOUD'), { name: 'SyntaxError', message: /^level param is not one of/ });
  assert.throws(() => ghost.haunt(), { name: 'RangeError', message: 'Number of params (0) not in range [1-2]' });
  assert.throws(() => ghost.setSpookiness('very'), { name: 'SyntaxError', message: 'spookiness param should be a Integer, not String' });
});

test('a method call sends the IDL operation and params', async () => {
  const fixture = require(path.join(workDir, 'jsfixture'));
  const ghost = Object.create(fixture.GhostFilter.prototype);
  let sent;
  Object.defineProperty(ghost, '_invoke', {
    value(transaction, operation, params, callback) {
      sent = { transaction, operation, params };
      return Promise.resolve('boo').then((value) => callback(null, value));
    },
  });
  assert.strictEqual(await ghost.haunt('attic', 'LOW'), 'boo');
  assert.deepStrictEqual(sent, { transaction: undefined, operation: 'haunt', params: { room: 'attic', level: 'LOW' } });
  await new Promise((resolve, reject) => ghost.haunt('cellar', (error, value) => {
    if (error) return reject(error);
    assert.strictEqual(value, 'boo');
    resolve();
  }));
  assert.deepStrictEqual(sent.params, { room: 'cellar', level: undefined });
  await ghost.setSpookiness(3);
  assert.deepStrictEqual(sent, { transaction: undefined, operation: 'setSpookiness', params: { spookiness: 3 } });
});

test('an output folder that cannot be written is an error', () => {
  const blocker = path.join(workDir, 'a-file');
  fs.writeFileSync(blocker, '');
  const result = spawnSync(creator, ['--generate-js', '--kmd', fixtureKmd, '--import-kmd', idl('core'),
                                     '--output', path.join(blocker, 'pkg')], { encoding: 'utf8' });
  assert.strictEqual(result.status, 1);
  assert.match(result.stderr, /^kurento-module-creator: --output .*a-file\/pkg: cannot create the folder: /);

  const invalid = spawnSync(creator, ['--generate-js', '--kmd', fixtureKmd, '--output', path.join(workDir, 'x')],
                            { encoding: 'utf8' });
  assert.strictEqual(invalid.status, 1, 'the IDL is validated first (Filter is unknown without core)');
  assert.match(invalid.stderr, /jsfixture\.kmd\.json: /);
  assert.ok(!fs.existsSync(path.join(workDir, 'x')), 'nothing is written for an invalid IDL');
});
