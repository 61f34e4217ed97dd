// The filters' building blocks: alpha blending, picture fetching, the GStreamerFilter element
// policy and command parsing, the QR scanner on a frame with a QR code, the face detector on the
// astronaut picture (scripts/install-deps.sh --tests fetches it).
#include "face/FaceDetector.hpp"
#include "gstreamer/ElementPolicy.hpp"
#include "gstreamer/FilterGraph.hpp"
#include "overlay/AlphaBlend.hpp"
#include "overlay/ImageFetch.hpp"
#include "zbar/CodeScanner.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

namespace kurento::filters {
namespace {

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectIllegalParamError) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no KurentoException";
  return "";
}

TEST(AlphaBlend, BlendsByAlphaAndClipsOutsideTheFrame) {
  cv::Mat frame(10, 10, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat picture(4, 4, CV_8UC4, cv::Scalar(255, 255, 255, 255));
  picture.row(0).setTo(cv::Scalar(255, 255, 255, 0));    // transparent
  picture.row(1).setTo(cv::Scalar(255, 255, 255, 128));  // half
  blendOver(frame, picture, cv::Rect(-2, 8, 4, 4));      // mostly outside: only 2x2 drawn
  EXPECT_EQ(frame.at<cv::Vec3b>(8, 0), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(frame.at<cv::Vec3b>(9, 1), cv::Vec3b(128, 128, 128));
  EXPECT_EQ(frame.at<cv::Vec3b>(9, 2), cv::Vec3b(0, 0, 0));

  AlphaOverlay overlay(picture);
  cv::Mat other(10, 10, CV_8UC3, cv::Scalar(0, 0, 0));
  overlay.draw(other, cv::Rect(0, 0, 8, 8));  // scaled x2: rows 4..7 opaque
  EXPECT_EQ(other.at<cv::Vec3b>(6, 6), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(other.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 0));
  overlay.draw(other, cv::Rect(20, 20, 8, 8));  // wholly outside: nothing, no crash
}

class ImageFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kms-fetch-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string uri(const std::string& name) { return "file://" + (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(ImageFetchTest, DecodesPngWithAlphaAndJpeg) {
  cv::Mat rgba(8, 6, CV_8UC4, cv::Scalar(10, 20, 30, 40));
  cv::imwrite((dir_ / "a.png").string(), rgba);
  cv::Mat png = loadOverlayImage(uri("a.png"));
  ASSERT_EQ(png.type(), CV_8UC4);
  EXPECT_EQ(png.size(), cv::Size(6, 8));
  EXPECT_EQ(png.at<cv::Vec4b>(0, 0), cv::Vec4b(10, 20, 30, 40));
  cv::imwrite((dir_ / "b.jpg").string(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(0, 0, 255)));
  cv::Mat jpeg = loadOverlayImage(uri("b.jpg"));
  ASSERT_EQ(jpeg.type(), CV_8UC4);
  EXPECT_EQ(jpeg.at<cv::Vec4b>(4, 4)[3], 255);
}

TEST_F(ImageFetchTest, NamesTheUriAndTheReason) {
  std::filesystem::path text = dir_ / "text.png";
  FILE* file = fopen(text.c_str(), "w");
  fputs("not a picture", file);
  fclose(file);
  EXPECT_NE(errorOf([&] {
              loadOverlayImage(uri("text.png"));
            }).find("'" + uri("text.png") + "': not a picture that can be decoded"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { loadOverlayImage(uri("missing.png")); }).find(uri("missing.png")),
            std::string::npos);
  EXPECT_NE(errorOf([] { loadOverlayImage("hat.png"); }).find("not a URI"), std::string::npos);
  EXPECT_NE(errorOf([] { loadOverlayImage("gopher://host/hat.png"); }).find("gopher"),
            std::string::npos);
}

GstElement* make(const char* factory) {
  GstElement* element = gst_element_factory_make(factory, nullptr);
  return element != nullptr ? GST_ELEMENT(gst_object_ref_sink(element)) : nullptr;
}

TEST(ElementPolicy, RefusesWhatReachesOutsideUnlessAllowed) {
  ElementPolicy policy;
  for (const char* factory : {"filesink", "udpsink", "souphttpsrc", "multifilesink", "uridecodebin",
                              "splitmuxsink", "vp8enc"}) {
    GstElement* element = make(factory);
    ASSERT_NE(element, nullptr) << factory;
    EXPECT_TRUE(policy.refusal(element).has_value()) << factory;
    gst_object_unref(element);
  }
  for (const char* factory : {"videoflip", "videobalance", "videoconvert", "volume", "identity",
                              "capsfilter", "videoscale", "audioecho", "videobox"}) {
    GstElement* element = make(factory);
    ASSERT_NE(element, nullptr) << factory;
    EXPECT_FALSE(policy.refusal(element).has_value())
        << factory << ": " << *policy.refusal(element);
    gst_object_unref(element);
  }
  ElementPolicy allowing({"filesink"});
  GstElement* sink = make("filesink");
  EXPECT_FALSE(allowing.refusal(sink).has_value());
  gst_object_unref(sink);
}

TEST(ElementPolicy, SettingsAreChecked) {
  EXPECT_EQ(ElementPolicy::fromConfig(
                kms::ClassConfig("G.conf.ini", {{"allowedElements", " filesink , udpsink"}}))
                .allowed(),
            (std::set<std::string>{"filesink", "udpsink"}));
  EXPECT_THROW(
      ElementPolicy::fromConfig(kms::ClassConfig("G.conf.ini", {{"allowedElements", "nosuch"}})),
      kms::ConfigError);
  EXPECT_THROW(ElementPolicy::fromConfig(kms::ClassConfig("G.conf.ini", {{"allowed", "filesink"}})),
               kms::ConfigError);
}

TEST(FilterCommand, ParsesChainsAndKeepsTheirProperties) {
  FilterType type = FilterType::AUTODETECT;
  auto bin =
      parseFilterCommand("videoflip method=horizontal-flip ! videobalance saturation=0", type);
  EXPECT_EQ(type, FilterType::VIDEO);
  auto elements = chainElements(GST_BIN(bin.get()));
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_STREQ(gst_plugin_feature_get_name(gst_element_get_factory(elements[0])), "videoflip");
  gint direction = 0;
  g_object_get(elements[0], "video-direction", &direction, nullptr);
  EXPECT_EQ(direction, 4);  // horiz: not reset by the CONSTRUCT default
  type = FilterType::AUTODETECT;
  parseFilterCommand("volume volume=0.5", type);
  EXPECT_EQ(type, FilterType::AUDIO);
  for (const char* bad : {"", "videoflip method=sideways", "nosuch", "tee", "filesink"}) {
    type = FilterType::AUTODETECT;
    EXPECT_NE(errorOf([&] { parseFilterCommand(bad, type); }).find("GStreamerFilter command"),
              std::string::npos)
        << bad;
  }
}

// One BGR frame, 320x240, white, with a QR code of `data` made by OpenCV's encoder (GStreamer
// 1.22's qroverlay, used here before, leaks its QRcode and its data string per element, which
// LeakSanitizer reports at exit in the sanitizer job).
cv::Mat qrFrame(const std::string& data) {
  cv::Mat code;
  cv::QRCodeEncoder::create()->encode(data, code);  // one 8-bit pixel per module, quiet zone
  EXPECT_FALSE(code.empty()) << data;
  cv::Mat frame(240, 320, CV_8UC3, cv::Scalar(255, 255, 255));
  const int side = 3 * code.cols;  // 3 pixels per module
  cv::Mat scaled;
  cv::resize(code, scaled, cv::Size(side, side), 0, 0, cv::INTER_NEAREST);
  cv::cvtColor(scaled, frame(cv::Rect((320 - side) / 2, (240 - side) / 2, side, side)),
               cv::COLOR_GRAY2BGR);
  return frame;
}

TEST(CodeScanner, ReportsACodeOnceWhileInView) {
  const cv::Mat frame = qrFrame("Kms-Test.42");
  CodeScanner scanner;
  auto now = std::chrono::steady_clock::now();
  auto found = scanner.scan(frame, now);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].codeType, "QR-Code");
  EXPECT_EQ(found[0].value, "Kms-Test.42");
  EXPECT_TRUE(scanner.scan(frame, now + std::chrono::milliseconds(500)).empty());
  const cv::Mat blank(240, 320, CV_8UC3, cv::Scalar(255, 255, 255));
  EXPECT_TRUE(scanner.scan(blank, now + std::chrono::milliseconds(900)).empty());
  // Gone for more than CodeScanner::forgetAfter, then back: reported again.
  EXPECT_TRUE(scanner.scan(blank, now + std::chrono::milliseconds(2000)).empty());
  EXPECT_EQ(scanner.scan(frame, now + std::chrono::milliseconds(2100)).size(), 1u);
}

std::vector<cv::Rect> detectIn(const cv::Mat& frame) {
  FaceDetector detector(FaceDetector::Options{});
  std::vector<cv::Rect> faces;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (detector.detections() == 0 && std::chrono::steady_clock::now() < deadline) {
    faces = detector.offer(frame);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(detector.detections(), 0u);
  return detector.offer(frame);
}

TEST(FaceDetector, FindsTheAstronautsFaceAndNothingInTheDark) {
  cv::Mat picture = cv::imread(KMS_FACE_PICTURE);
  ASSERT_FALSE(picture.empty()) << KMS_FACE_PICTURE
                                << " is missing: scripts/install-deps.sh --tests";
  cv::Mat frame(480, 640, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::resize(picture, frame(cv::Rect(80, 0, 480, 480)), cv::Size(480, 480));
  auto faces = detectIn(frame);
  ASSERT_EQ(faces.size(), 1u);
  const cv::Point centre(faces[0].x + faces[0].width / 2, faces[0].y + faces[0].height / 2);
  EXPECT_TRUE(cv::Rect(246, 63, 87, 87).contains(centre)) << faces[0];
  cv::Mat dark(480, 640, CV_8UC3, cv::Scalar(16, 16, 16));
  cv::randn(dark, cv::Scalar(16, 16, 16), cv::Scalar(3, 3, 3));
  EXPECT_TRUE(detectIn(dark).empty());
}

}  // namespace
}  // namespace kurento::filters

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
