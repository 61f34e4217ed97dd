#include "DecodeErrorLimit.hpp"

#include <kms/sdk/Gst.hpp>

#include <gst/video/video.h>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-decode-errors", "Decode error limit");

// The decoder's first picture: from now on it may fail fewer times in a row.
GstPadProbeReturn onFirstPicture(GstPad* pad, GstPadProbeInfo*, gpointer) {
  GstElement* decoder = gst_pad_get_parent_element(pad);
  if (decoder != nullptr) {
    g_object_set(decoder, "max-errors", kMaxDecodeErrors, nullptr);
    GST_CAT_DEBUG_OBJECT(kCat, decoder, "first picture: at most %d decode errors from now on",
                         kMaxDecodeErrors);
    gst_object_unref(decoder);
  }
  return GST_PAD_PROBE_REMOVE;
}

void limitDecoder(GstElement* element) {
  if (!GST_IS_VIDEO_DECODER(element)) {
    return;
  }
  GstPad* src = gst_element_get_static_pad(element, "src");
  if (src == nullptr) {
    return;
  }
  g_object_set(element, "max-errors", kMaxDecodeErrorsBeforePicture, nullptr);
  gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, &onFirstPicture, nullptr, nullptr);
  gst_object_unref(src);
}
}  // namespace

void limitDecodeErrors(GstElement* element) {
  if (!GST_IS_BIN(element)) {
    limitDecoder(element);
    return;
  }
  GstIterator* elements = gst_bin_iterate_recurse(GST_BIN(element));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(elements, &item) == GST_ITERATOR_OK) {
    limitDecoder(GST_ELEMENT(g_value_get_object(&item)));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(elements);
}

}  // namespace kurento
