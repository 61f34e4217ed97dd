#include "ScaffoldTemplates.hpp"

namespace kmsidl::templates {

const char* const kCMakeLists = R"(# Module @module@ for kurento-media-server, built against the installed SDK:
#   cmake -S . -B build && cmake --build build
# then run the server with --modules-path build:<installed modules>, or `cmake --install build`.
cmake_minimum_required(VERSION 3.25)
project(@module@ VERSION 0.1.0 LANGUAGES C CXX)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
include(GNUInstallDirs)

# Kms::sdk, the installed modules (Kms::core, ...), kms_add_module() and kurento-module-creator.
find_package(KmsSdk 7 REQUIRED)

set(IMPORTS@imports@)
kms_add_module(NAME @module@ KMD @module@.kmd.json
  IMPORTS ${IMPORTS}
  DEPENDS @depends@
  SOURCES src/@Class@Impl.cpp)

# The JavaScript client, for kurento-client's register(): build/js/kurento-module-@module@
set(js_dir ${CMAKE_BINARY_DIR}/js/kurento-module-@module@)
set(import_args)
foreach(import ${IMPORTS})
  list(APPEND import_args --import-kmd ${import})
endforeach()
add_custom_command(OUTPUT ${js_dir}/package.json
  COMMAND ${KMS_MODULE_CREATOR} --generate-js --kmd ${CMAKE_CURRENT_SOURCE_DIR}/@module@.kmd.json
          ${import_args} --output ${js_dir}
  DEPENDS @module@.kmd.json
  COMMENT "Generating the JavaScript client of @module@")
add_custom_target(@module@-js ALL DEPENDS ${js_dir}/package.json)

enable_testing()
set(modules_path $<TARGET_FILE_DIR:kms@module@>:${KMS_SDK_MODULES_DIR})
# The server loads the module and lists it with its version.
add_test(NAME @module@.loads COMMAND ${KMS_MEDIA_SERVER} --modules-path ${modules_path} --version)
set_tests_properties(@module@.loads PROPERTIES
  PASS_REGULAR_EXPRESSION "@module@ +0\\.1\\.0" FAIL_REGULAR_EXPRESSION "[Rr]efus")
# The filter in a pipeline through the generated client (Node.js and the npm kurento-client;
# point KURENTO_CLIENT_NODE_PATH at the node_modules folder that holds kurento-client).
find_program(NODE_EXECUTABLE node)
set(KURENTO_CLIENT_NODE_PATH "" CACHE PATH "node_modules folder holding kurento-client")
if(NODE_EXECUTABLE AND EXISTS "${KURENTO_CLIENT_NODE_PATH}/kurento-client")
  add_test(NAME @module@.client
    COMMAND ${NODE_EXECUTABLE} --test --test-force-exit ${CMAKE_CURRENT_SOURCE_DIR}/tests/@module@.test.js)
  set_tests_properties(@module@.client PROPERTIES TIMEOUT 120 ENVIRONMENT
    "NODE_PATH=${KURENTO_CLIENT_NODE_PATH};KMS_BINARY=${KMS_MEDIA_SERVER};KMS_MODULES_PATH=${modules_path};MODULE_JS=${js_dir}")
else()
  message(STATUS "@module@.client test not added: needs node and KURENTO_CLIENT_NODE_PATH")
endif()
)";

const char* const kKmd = R"({
  "name": "@module@",
  "version": "0.1.0",
  "kurentoVersion": "^7.0.0",
  "imports": [@kmdImports@
  ],
  "code": {
    "api": {
      "js": { "nodeName": "kurento-module-@module@", "npmVersion": "0.1.0" }
    },
    "implementation": { "cppNamespace": "@module@", "lib": "libkms@module@" }
  },
  "remoteClasses": [
    {
      "name": "@Class@",
      "doc": "@doc@",
      "extends": "@base@",
      "constructor": {
        "doc": "Creates the filter in a pipeline.",
        "params": [
          { "name": "mediaPipeline", "type": "MediaPipeline", "doc": "the pipeline it belongs to" }
        ]
      },
      "properties": [
        {
          "name": "reportInterval",
          "type": "int",
          "doc": "Frames between two FramesCounted events (at least 1); starts at the reportInterval of @Class@.conf.ini, else 30."
        }
      ],
      "methods": [
        {
          "name": "resetCounter",
          "doc": "Starts counting frames from zero again.",
          "params": [],
          "return": { "type": "int64", "doc": "the frames counted before the reset" }
        }
      ],
      "events": ["FramesCounted"]
    }
  ],
  "complexTypes": [],
  "events": [
    {
      "name": "FramesCounted",
      "extends": "Media",
      "doc": "Raised every reportInterval video frames.",
      "properties": [
        { "name": "frames", "type": "int64", "doc": "video frames counted since the last reset" }@eventExtra@
      ]
    }
  ]
}
)";

const char* const kImplHpp = R"(// @Class@: counts the video frames that pass through it (a GStreamer pad probe) and says so
// with FramesCounted. Put your own GStreamer elements in the constructor.
#pragma once

#include "@Class@Base.hpp"

#include <atomic>
#include <cstdint>

namespace @module@ {

class @Class@Impl : public @Class@Base {
 public:
  explicit @Class@Impl(const std::shared_ptr<kurento::MediaPipelineImpl>& mediaPipeline);

  int32_t getReportInterval() override;
  void setReportInterval(const int32_t& reportInterval) override;
  int64_t resetCounter() override;

 private:
  static GstPadProbeReturn onBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer self);

  std::atomic<int32_t> reportInterval_;
  std::atomic<int64_t> frames_{0};
};

}  // namespace @module@
)";

const char* const kSettingsCpp = R"(namespace {
// reportInterval from <modules-config-path>/@module@/@Class@.conf.ini, 30 when absent.
int32_t configuredInterval(kms::ServerContext& context) {
  return static_cast<int32_t>(
      context.classConfig("@module@.@Class@").getInt("reportInterval", 30, 1, 1000000));
}
}  // namespace

// Called once when the server loads the module: a wrong setting stops the server at start-up
// with the file, the key and the reason.
void @module@ModuleInit(kms::ServerContext& context) { configuredInterval(context); })";

const char* const kAccessorsCpp = R"(int32_t @Class@Impl::getReportInterval() { return reportInterval_; }

void @Class@Impl::setReportInterval(const int32_t& reportInterval) {
  if (reportInterval < 1) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "reportInterval must be at least 1, not " +
                                    std::to_string(reportInterval));
  }
  reportInterval_ = reportInterval;
}

int64_t @Class@Impl::resetCounter() { return frames_.exchange(0); })";

const char* const kImplCpp = R"(#include "@Class@Impl.hpp"

#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Config.hpp>
#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

namespace @module@ {

@settings@

@Class@Impl::@Class@Impl(const std::shared_ptr<kurento::MediaPipelineImpl>& mediaPipeline)
    : @Class@Base(mediaPipeline, "@module@"),
      reportInterval_(configuredInterval(kms::serverContext())) {
  // Video goes through a queue whose output we watch; audio passes straight on.
  GstElement* queue = gst_element_factory_make("queue", nullptr);
  gst_bin_add(bin(), queue);
  GstPad* queueOut = gst_element_get_static_pad(queue, "src");
  gst_pad_add_probe(queueOut, GST_PAD_PROBE_TYPE_BUFFER, &@Class@Impl::onBuffer, this, nullptr);
  gst_pad_link(queueOut, outputSinkPad(kurento::MediaType::VIDEO));
  gst_object_unref(queueOut);
  GstPad* queueIn = gst_element_get_static_pad(queue, "sink");
  setInput(kurento::MediaType::VIDEO, queueIn);
  gst_object_unref(queueIn);
  setInput(kurento::MediaType::AUDIO, outputSinkPad(kurento::MediaType::AUDIO));
}

@accessors@

GstPadProbeReturn @Class@Impl::onBuffer(GstPad*, GstPadProbeInfo*, gpointer data) {
  auto* self = static_cast<@Class@Impl*>(data);
  const int64_t frames = ++self->frames_;
  if (frames % self->reportInterval_ == 0) {
    FramesCounted event;
    event.frames = frames;
    self->raiseFramesCounted(event);
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace @module@
)";

const char* const kOpenCvImplHpp = R"(// @Class@: an OpenCV filter. process() sees every video frame as a BGR cv::Mat: this one
// draws a frame around the picture, measures its brightness and reports it with FramesCounted.
#pragma once

#include "@Class@Base.hpp"

#include <atomic>
#include <cstdint>

namespace @module@ {

class @Class@Impl : public @Class@Base {
 public:
  explicit @Class@Impl(const std::shared_ptr<kurento::MediaPipelineImpl>& mediaPipeline);

  int32_t getReportInterval() override;
  void setReportInterval(const int32_t& reportInterval) override;
  int64_t resetCounter() override;

 protected:
  void process(cv::Mat& frame) override;

 private:
  std::atomic<int32_t> reportInterval_;
  std::atomic<int64_t> frames_{0};
};

}  // namespace @module@
)";

const char* const kOpenCvImplCpp = R"(#include "@Class@Impl.hpp"

#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Config.hpp>
#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <opencv2/imgproc.hpp>

namespace @module@ {

@settings@

@Class@Impl::@Class@Impl(const std::shared_ptr<kurento::MediaPipelineImpl>& mediaPipeline)
    : @Class@Base(mediaPipeline, "@module@"),
      reportInterval_(configuredInterval(kms::serverContext())) {}

@accessors@

void @Class@Impl::process(cv::Mat& frame) {
  const double brightness = cv::mean(frame)[0];  // blue channel mean, 0-255, before drawing
  cv::rectangle(frame, cv::Rect(0, 0, frame.cols, frame.rows), cv::Scalar(0, 255, 0), 8);
  const int64_t frames = ++frames_;
  if (frames % reportInterval_ == 0) {
    FramesCounted event;
    event.frames = frames;
    event.brightness = brightness;
    raiseFramesCounted(event);
  }
}

}  // namespace @module@
)";

const char* const kTestJs = R"(// @Class@ in a real pipeline, driven through the generated JavaScript client: an RTP sender
// (gst-launch-1.0, VP8) feeds an RtpEndpoint connected to the filter.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const net = require('node:net');
const kurentoClient = require('kurento-client');

kurentoClient.register(require(process.env.MODULE_JS));

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  const server = spawn(process.env.KMS_BINARY,
    ['--modules-path', process.env.KMS_MODULES_PATH, '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no server:\n${output}`)), 15000);
    const collect = (chunk) => {
      output += chunk;
      if (output.includes('listening on ws://')) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout.on('data', collect);
    server.stderr.on('data', collect);
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { url: `ws://127.0.0.1:${port}/kurento`, server };
}

test('@Class@ counts frames and reports them', async () => {
  const { url, server } = await startServer();
  const client = await kurentoClient(url, { failAfter: 1 });
  let sender;
  try {
    const pipeline = await client.create('MediaPipeline');
    const rtp = await pipeline.create('RtpEndpoint');
    const filter = await pipeline.create('@Class@');
    await filter.setReportInterval(10);
    assert.equal(await filter.getReportInterval(), 10);
    // kurento-client reports a method's error to its callback (its promise resolves anyway).
    const refused = await new Promise((resolve) => filter.setReportInterval(0, resolve));
    assert.match(String(refused && refused.message), /at least 1/);
    await rtp.connect(filter);
    const counted = new Promise((resolve) => filter.on('FramesCounted', resolve));

    const offer = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      'm=video 5000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000', 'a=sendonly', ''].join('\r\n');
    const answer = await rtp.processOffer(offer);
    const port = Number(/m=video (\d+)/.exec(answer)[1]);
    sender = spawn('gst-launch-1.0', ['-q', 'videotestsrc', 'is-live=true', '!',
      'video/x-raw,width=320,height=240,framerate=30/1', '!', 'vp8enc', 'deadline=1', '!',
      'rtpvp8pay', 'pt=96', '!', 'udpsink', 'host=127.0.0.1', `port=${port}`],
    { stdio: 'ignore' });

    const event = await Promise.race([counted,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no FramesCounted in 20 s')), 20000))]);
    assert.ok(Number(event.frames) >= 10, JSON.stringify(event));@testExtra@
    assert.ok(Number(await filter.resetCounter()) >= 10);
    await pipeline.release();
  } finally {
    if (sender) sender.kill();
    client.close();
    server.kill();
  }
});
)";

const char* const kReadme = R"(# @module@

A kurento-media-server module with one filter, `@Class@` (@kind@). Generated by
`kurento-module-creator --scaffold`; the code is yours to change.

| File | What it is |
|---|---|
| `@module@.kmd.json` | the module's IDL: classes, methods, properties, events |
| `src/@Class@Impl.hpp/.cpp` | the hand-written implementation (the generator writes `@Class@Base` into the build tree) |
| `CMakeLists.txt` | builds `libkms@module@.so` and the JavaScript client against the installed SDK |
| `tests/@module@.test.js` | drives the filter in a real server through the generated client |

## Build

    cmake -S . -B build -DKURENTO_CLIENT_NODE_PATH=/path/to/node_modules
    cmake --build build

`build/libkms@module@.so` is the module; `build/js/kurento-module-@module@` is the npm package
for `kurentoClient.register()`.

## Run and test

    kurento-media-server --modules-path build:/usr/lib/x86_64-linux-gnu/kurento/modules
    ctest --test-dir build --output-on-failure

The `@module@.client` test needs Node.js, `gst-launch-1.0` and the npm `kurento-client` in the
folder given as `KURENTO_CLIENT_NODE_PATH`.

## Use it from JavaScript

```js
const kurentoClient = require('kurento-client');
kurentoClient.register(require('./build/js/kurento-module-@module@'));
const filter = await pipeline.create('@Class@');
filter.on('FramesCounted', (event) => console.log(event.frames));
```

Install with `cmake --install build` (into `lib/kurento/modules` under the prefix), or copy the
`.so` into a folder on the server's `--modules-path`.

## Debian package

    dpkg-buildpackage -b -us -uc
    apt-get install ../kms-@package@_0.1.0_*.deb

`debian/` builds `kms-@package@` against the installed `kms-sdk-dev`. It depends on
`kms-module-abi-<N>`, the module ABI of that SDK (`pkg-config --variable=moduleabi kms-sdk`):
only a `kurento-media-server` whose loader accepts ABI N provides it, so apt refuses the package
next to a server of another ABI instead of the server refusing the module at start-up. Set
the maintainer in `debian/control` and `debian/changelog`, and the license in `debian/copyright`.
)";

}  // namespace kmsidl::templates
