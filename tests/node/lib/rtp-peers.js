// gst-launch peers of an RtpEndpoint: a receiver that proves media left the server (it decodes
// what an element sends and exits 0 after `frames` frames), and a live source sending into it.
'use strict';

const { receiver, sender, sdpOffer, mediaPort, freeUdpPort } = require('./gst');
const { waitUdpBound } = require('./ports');

const MEDIA = {
  VP8: { type: 'video', pt: 96, rtpmap: 'VP8/90000' },
  H264: { type: 'video', pt: 103, rtpmap: 'H264/90000', fmtp: 'packetization-mode=1;profile-level-id=42e01f' },
  OPUS: { type: 'audio', pt: 111, rtpmap: 'opus/48000/2' },
};

// Creates an RtpEndpoint in `pipeline` that sends `codec` to a new receiver process, once
// that process listens: it cannot ask for a keyframe (no RTCP), so what the element sends
// before would be lost, and a file of a few seconds may have no keyframe left to start from.
async function rtpReceiver(pipeline, codec = 'VP8', frames = 30) {
  const endpoint = await pipeline.create('RtpEndpoint');
  const port = await freeUdpPort();
  const child = receiver(codec, port, frames);
  await waitUdpBound(port);
  await endpoint.processOffer(sdpOffer({ media: [{ ...MEDIA[codec], port, direction: 'recvonly' }] }));
  return { endpoint, child };
}

// Creates an RtpEndpoint in `pipeline` that receives live test media from gst-launch senders:
// `media` lists codecs (e.g. ['VP8', 'OPUS']). Returns { endpoint, children }.
async function rtpSource(pipeline, media = ['VP8', 'OPUS'], options = {}) {
  const endpoint = await pipeline.create('RtpEndpoint');
  const offered = media.map((codec) => ({ ...MEDIA[codec], port: 5000 + MEDIA[codec].pt, direction: 'sendonly' }));
  const answer = await endpoint.processOffer(sdpOffer({ media: offered }));
  const children = media.map((codec) => sender(codec, mediaPort(answer, MEDIA[codec].type), options));
  return { endpoint, children };
}

module.exports = { rtpReceiver, rtpSource, MEDIA };
