// Composite, Mixer and AlphaBlending with real GStreamer media, in-process: three inputs of known colours and
// tones go through PassThroughs into HubPorts; what a port outputs is checked pixel by pixel
// (Composite's grid, Mixer's routed video, AlphaBlending's placements) and by frequency (whose tones a port hears).
#include "AlphaBlendingImpl.hpp"
#include "CompositeImpl.hpp"
#include "MixerImpl.hpp"
#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"
#include "PassThroughImpl.hpp"
#include "TestContext.hpp"

#include <gst/app/gstappsink.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace kurento {
namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 480;

struct Rgb {
  int r, g, b;
};

// The tones and colours of the three inputs.
struct Input {
  const char* pattern;  // videotestsrc
  Rgb colour;
  int toneHz;
};
const Input kInputs[] = {{"red", {255, 0, 0}, 440},
                         {"green", {0, 255, 0}, 1000},
                         {"blue", {0, 0, 255}, 2500}};

class MixingHubsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pipeline_ = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  }
  void makeComposite() {
    hub_ = context_.add(std::make_shared<CompositeImpl>(pipeline_, kWidth, kHeight, 15),
                        "p_kurento.MediaPipeline/c_kurento.Composite");
  }

  std::shared_ptr<HubPortImpl> addInput(const Input& input, int index) {
    const std::string n = std::to_string(index);
    auto source = context_.add(std::make_shared<PassThroughImpl>(pipeline_),
                               "p_kurento.MediaPipeline/s" + n + "_kurento.PassThrough");
    auto port = context_.add(std::make_shared<HubPortImpl>(hub_),
                             "p_kurento.MediaPipeline/h" + n + "_kurento.HubPort");
    source->connect(port, std::nullopt, std::nullopt, std::nullopt);
    feed(*source, MediaType::VIDEO,
         std::string("videotestsrc is-live=true pattern=") + input.pattern +
             " ! capsfilter caps=video/x-raw,width=320,height=240,framerate=15/1");
    feed(*source, MediaType::AUDIO,
         "audiotestsrc is-live=true wave=sine volume=0.3 samplesperbuffer=960 freq=" +
             std::to_string(input.toneHz) + " ! capsfilter caps=audio/x-raw,rate=48000,channels=1");
    sources_.push_back(source);
    return port;
  }

  void feed(MediaElementImpl& element, MediaType type, const std::string& description) {
    GError* error = nullptr;
    GstElement* source = gst_parse_bin_from_description(description.c_str(), TRUE, &error);
    ASSERT_NE(source, nullptr) << (error != nullptr ? error->message : "");
    gst_bin_add(pipeline_->bin(), source);
    GstPad* src = gst_element_get_static_pad(source, "src");
    ASSERT_EQ(gst_pad_link(src, element.inputPad(type)), GST_PAD_LINK_OK);
    gst_object_unref(src);
    gst_element_sync_state_with_parent(source);
  }

  // An appsink on `port`'s output of `type`: RGB pictures or S16 mono 48 kHz samples.
  GstAppSink* tap(HubPortImpl& port, MediaType type) {
    const bool video = type == MediaType::VIDEO;
    GError* error = nullptr;
    GstElement* sinkBin = gst_parse_bin_from_description(
        video ? "queue ! videoconvert ! video/x-raw,format=RGB ! appsink name=tap sync=false max-buffers=2 drop=true"
              : "queue ! audioconvert ! audioresample ! audio/x-raw,format=S16LE,channels=1,"
                "rate=48000 ! appsink name=tap sync=false max-buffers=2 drop=true",
        TRUE, &error);
    EXPECT_NE(sinkBin, nullptr);
    gst_bin_add(port.bin(), sinkBin);
    gst_element_sync_state_with_parent(sinkBin);
    GstElement* tee = gst_bin_get_by_name(port.bin(), video ? "out_video" : "out_audio");
    GstPad* teePad = gst_element_request_pad_simple(tee, "src_%u");
    GstPad* sinkPad = gst_element_get_static_pad(sinkBin, "sink");
    EXPECT_EQ(gst_pad_link(teePad, sinkPad), GST_PAD_LINK_OK);
    gst_object_unref(sinkPad);
    gst_object_unref(teePad);
    gst_object_unref(tee);
    auto* appsink = GST_APP_SINK(gst_bin_get_by_name(GST_BIN(sinkBin), "tap"));
    gst_object_unref(appsink);  // the bin keeps it
    return appsink;
  }

  // The latest picture: RGB rows of kWidth pixels.
  static std::vector<uint8_t> picture(GstAppSink* sink) {
    std::vector<uint8_t> pixels;
    for (int i = 0; i < 10; ++i) {  // skip the frames queued before the last change
      // The first picture of a new mix takes longer on a loaded machine (the sanitizer job's
      // runs missed 2 s once); the next ones follow at the frame rate.
      GstSample* sample = gst_app_sink_try_pull_sample(sink, (i == 0 ? 10 : 2) * GST_SECOND);
      if (sample == nullptr) {
        return pixels;
      }
      GstMapInfo map;
      GstBuffer* buffer = gst_sample_get_buffer(sample);
      if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        pixels.assign(map.data, map.data + map.size);
        gst_buffer_unmap(buffer, &map);
      }
      gst_sample_unref(sample);
    }
    return pixels;
  }

  static Rgb pixelAt(const std::vector<uint8_t>& pixels, int x, int y, int width = kWidth) {
    const size_t stride = ((static_cast<size_t>(width) * 3) + 3) & ~size_t{3};
    const size_t at = static_cast<size_t>(y) * stride + static_cast<size_t>(x) * 3;
    if (at + 2 >= pixels.size()) {
      return {-1, -1, -1};
    }
    return {pixels[at], pixels[at + 1], pixels[at + 2]};
  }

  static bool near(const Rgb& got, const Rgb& want) {
    return std::abs(got.r - want.r) < 50 && std::abs(got.g - want.g) < 50 &&
           std::abs(got.b - want.b) < 50;
  }

  // About one second of samples.
  static std::vector<int16_t> samples(GstAppSink* sink) {
    std::vector<int16_t> all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (all.size() < 48000 * 2 && std::chrono::steady_clock::now() < deadline) {
      GstSample* sample = gst_app_sink_try_pull_sample(sink, GST_SECOND);
      if (sample == nullptr) {
        continue;
      }
      GstMapInfo map;
      GstBuffer* buffer = gst_sample_get_buffer(sample);
      if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        const auto* data = reinterpret_cast<const int16_t*>(map.data);
        all.insert(all.end(), data, data + map.size / 2);
        gst_buffer_unmap(buffer, &map);
      }
      gst_sample_unref(sample);
    }
    // The second half: the mix has settled by then.
    return std::vector<int16_t>(all.begin() + static_cast<long>(all.size() / 2), all.end());
  }

  // Goertzel: the power of `hz` in `samples` (48 kHz), normalised by their count.
  static double power(const std::vector<int16_t>& samples, int hz) {
    const double coefficient = 2.0 * std::cos(2.0 * M_PI * hz / 48000.0);
    double s1 = 0;
    double s2 = 0;
    for (int16_t sample : samples) {
      const double s0 = sample / 32768.0 + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const double n = static_cast<double>(samples.size());
    return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / (n * n);
  }

  kms::test::TestContext context_;
  std::shared_ptr<MediaPipelineImpl> pipeline_;
  std::shared_ptr<HubImpl> hub_;
  std::vector<std::shared_ptr<PassThroughImpl>> sources_;
};

TEST_F(MixingHubsTest, CompositeGridShowsEveryInputAndAdaptsWhenAPortLeaves) {
  makeComposite();
  std::vector<std::shared_ptr<HubPortImpl>> ports;
  for (int i = 0; i < 3; ++i) {
    ports.push_back(addInput(kInputs[i], i));
  }
  GstAppSink* video = tap(*ports[0], MediaType::VIDEO);
  // 2x2: red, green / blue, black.
  const std::vector<uint8_t> grid = picture(video);
  ASSERT_FALSE(grid.empty()) << "no picture from the composite";
  const Rgb quadrants[] = {pixelAt(grid, 160, 120), pixelAt(grid, 480, 120),
                           pixelAt(grid, 160, 360), pixelAt(grid, 480, 360)};
  EXPECT_TRUE(near(quadrants[0], kInputs[0].colour)) << quadrants[0].r << "," << quadrants[0].g << "," << quadrants[0].b;
  EXPECT_TRUE(near(quadrants[1], kInputs[1].colour)) << quadrants[1].r << "," << quadrants[1].g << "," << quadrants[1].b;
  EXPECT_TRUE(near(quadrants[2], kInputs[2].colour)) << quadrants[2].r << "," << quadrants[2].g << "," << quadrants[2].b;
  EXPECT_TRUE(near(quadrants[3], {0, 0, 0})) << quadrants[3].r << "," << quadrants[3].g << "," << quadrants[3].b;

  // The blue port leaves mid-stream: two inputs side by side, 4:3 kept (black above and below).
  context_.release(*ports[2]);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::vector<uint8_t> pair = picture(video);
  ASSERT_FALSE(pair.empty()) << "the composite stopped when a port left";
  const Rgb left = pixelAt(pair, 160, 240);
  const Rgb right = pixelAt(pair, 480, 240);
  const Rgb above = pixelAt(pair, 160, 40);
  EXPECT_TRUE(near(left, kInputs[0].colour)) << left.r << "," << left.g << "," << left.b;
  EXPECT_TRUE(near(right, kInputs[1].colour)) << right.r << "," << right.g << "," << right.b;
  EXPECT_TRUE(near(above, {0, 0, 0})) << above.r << "," << above.g << "," << above.b;
}

TEST_F(MixingHubsTest, CompositePortsHearTheOthersButNotThemselves) {
  makeComposite();
  std::vector<std::shared_ptr<HubPortImpl>> ports;
  for (int i = 0; i < 3; ++i) {
    ports.push_back(addInput(kInputs[i], i));
  }
  for (int i = 0; i < 3; ++i) {
    const std::vector<int16_t> heard = samples(tap(*ports[i], MediaType::AUDIO));
    ASSERT_GT(heard.size(), 10000u) << "port " << i << " hears nothing";
    const double own = power(heard, kInputs[i].toneHz);
    for (int j = 0; j < 3; ++j) {
      if (j != i) {
        const double other = power(heard, kInputs[j].toneHz);
        EXPECT_GT(other, 100 * own) << "port " << i << ": " << kInputs[j].toneHz << " Hz "
                                    << other << ", own " << kInputs[i].toneHz << " Hz " << own;
      }
    }
  }
}

TEST_F(MixingHubsTest, MixerPortsHearAndSeeWhatTheyAreConnectedTo) {
  hub_ = context_.add(std::make_shared<MixerImpl>(pipeline_),
                      "p_kurento.MediaPipeline/m_kurento.Mixer");
  auto mixer = std::static_pointer_cast<MixerImpl>(hub_);
  std::vector<std::shared_ptr<HubPortImpl>> ports;
  for (int i = 0; i < 3; ++i) {
    ports.push_back(addInput(kInputs[i], i));
  }
  mixer->connect(MediaType::AUDIO, ports[1], ports[0]);
  mixer->connect(MediaType::AUDIO, ports[2], ports[0]);
  mixer->connect(MediaType::VIDEO, ports[1], ports[0]);
  const std::vector<int16_t> heard = samples(tap(*ports[0], MediaType::AUDIO));
  ASSERT_GT(heard.size(), 10000u);
  const double own = power(heard, kInputs[0].toneHz);
  EXPECT_GT(power(heard, kInputs[1].toneHz), 100 * own);
  EXPECT_GT(power(heard, kInputs[2].toneHz), 100 * own);
  const std::vector<uint8_t> seen = picture(tap(*ports[0], MediaType::VIDEO));
  ASSERT_FALSE(seen.empty());
  const Rgb centre = pixelAt(seen, 160, 120, 320);
  EXPECT_TRUE(near(centre, kInputs[1].colour)) << centre.r << "," << centre.g << "," << centre.b;

  // Port 1 was connected to nobody: it hears silence.
  const std::vector<int16_t> alone = samples(tap(*ports[1], MediaType::AUDIO));
  ASSERT_GT(alone.size(), 10000u);
  for (const Input& input : kInputs) {
    EXPECT_LT(power(alone, input.toneHz), 1e-6) << input.toneHz;
  }
  try {
    mixer->disconnect(MediaType::AUDIO, ports[0], ports[1]);
    FAIL() << "disconnecting what is not connected must fail";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectIllegalParamError);
  }
  mixer->disconnect(MediaType::AUDIO, ports[2], ports[0]);
  const std::vector<int16_t> after = samples(tap(*ports[0], MediaType::AUDIO));
  EXPECT_GT(power(after, kInputs[1].toneHz), 100 * power(after, kInputs[2].toneHz));
}

TEST_F(MixingHubsTest, AlphaBlendingDrawsPortsWhereTheyArePlacedOverTheMaster) {
  hub_ = context_.add(std::make_shared<AlphaBlendingImpl>(pipeline_),
                      "p_kurento.MediaPipeline/a_kurento.AlphaBlending");
  auto blending = std::static_pointer_cast<AlphaBlendingImpl>(hub_);
  std::vector<std::shared_ptr<HubPortImpl>> ports;
  for (int i = 0; i < 3; ++i) {
    ports.push_back(addInput(kInputs[i], i));
  }
  blending->setMaster(ports[0], 0);
  blending->setPortProperties(0.5, 0.5, 1, 0.5, 0.5, ports[1]);  // green, bottom right quarter
  // ports[2] (blue) is not placed: not drawn.
  GstAppSink* video = tap(*ports[2], MediaType::VIDEO);
  const std::vector<uint8_t> blended = picture(video);
  ASSERT_EQ(blended.size(), 320u * 240u * 3u) << "no 320x240 picture (the master's size)";
  const Rgb topLeft = pixelAt(blended, 80, 60, 320);
  const Rgb bottomRight = pixelAt(blended, 240, 180, 320);
  const Rgb topRight = pixelAt(blended, 240, 60, 320);
  EXPECT_TRUE(near(topLeft, kInputs[0].colour)) << topLeft.r << "," << topLeft.g << "," << topLeft.b;
  EXPECT_TRUE(near(bottomRight, kInputs[1].colour))
      << bottomRight.r << "," << bottomRight.g << "," << bottomRight.b;
  EXPECT_TRUE(near(topRight, kInputs[0].colour)) << topRight.r << "," << topRight.g << "," << topRight.b;

  // Moved to the top left: the bottom right shows the master again.
  blending->setPortProperties(0.0, 0.0, 1, 0.5, 0.5, ports[1]);
  const std::vector<uint8_t> moved = picture(video);
  ASSERT_EQ(moved.size(), 320u * 240u * 3u);
  EXPECT_TRUE(near(pixelAt(moved, 80, 60, 320), kInputs[1].colour));
  EXPECT_TRUE(near(pixelAt(moved, 240, 180, 320), kInputs[0].colour));
  try {
    blending->setPortProperties(0.5, 0.5, 1, 1.5, 0.5, ports[1]);
    FAIL() << "a width over 1 must be refused";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectIllegalParamError);
    EXPECT_NE(std::string(error.what()).find("relativeWidth must be within 0-1"), std::string::npos);
  }
}

TEST_F(MixingHubsTest, CompositeRefusesABadSize) {
  try {
    std::make_shared<CompositeImpl>(pipeline_, 0, 480, 15);
    FAIL() << "width 0 must be refused";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectIllegalParamError);
    EXPECT_NE(std::string(error.what()).find("width must be 1-7680, got 0"), std::string::npos);
  }
}

}  // namespace
}  // namespace kurento

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
