// Calls made of server objects only, with media flowing through ICE, DTLS and SRTP: an
// RtpEndpoint fed by a gst-launch VP8 sender, connected to a WebRtcEndpoint that is negotiated
// with a second WebRtcEndpoint of the same pipeline over loopback. One sender process feeds
// every call (multiudpsink), so 20 calls cost one encoder.
'use strict';

const kurentoClient = require('kurento-client');

const { launch, sdpOffer, mediaPort } = require('./gst');
const { MEDIA } = require('./rtp-peers');

const IceCandidate = kurentoClient.getComplexType('IceCandidate');

// Creates one call in a new pipeline of `client`; resolves { pipeline, rtp, sender, receiver,
// rtpPort } once both endpoints are negotiated and gathering (media starts when the VP8
// sender sends to rtpPort).
async function loopCall(client) {
  const pipeline = await client.create('MediaPipeline');
  const rtp = await pipeline.create('RtpEndpoint');
  const rtpAnswer = await rtp.processOffer(sdpOffer({
    media: [{ ...MEDIA.VP8, port: 5096, direction: 'sendonly' }],
  }));
  const sender = await pipeline.create('WebRtcEndpoint');
  const receiver = await pipeline.create('WebRtcEndpoint');
  sender.on('IceCandidateFound', (event) => receiver.addIceCandidate(IceCandidate(event.candidate)));
  receiver.on('IceCandidateFound', (event) => sender.addIceCandidate(IceCandidate(event.candidate)));
  await rtp.connect(sender);
  const offer = await sender.generateOffer();
  const answer = await receiver.processOffer(offer);
  await sender.processAnswer(answer);
  await sender.gatherCandidates();
  await receiver.gatherCandidates();
  return { pipeline, rtp, sender, receiver, rtpPort: mediaPort(rtpAnswer, 'video') };
}

// One live VP8 source sent to every port in `ports` on 127.0.0.1.
function vp8SenderTo(ports) {
  const clients = ports.map((port) => `127.0.0.1:${port}`).join(',');
  return launch('videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 '
    + `! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt=96 ! multiudpsink clients=${clients}`);
}

// Resolves once video that crossed the WebRTC link leaves every receiving endpoint in
// `receiverIds`, asked over `rpc` (a raw connection of lib/rpc.js); rejects naming how many
// are still waiting after `timeoutMs`.
async function waitForMedia(rpc, receiverIds, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let waiting = receiverIds;
  for (;;) {
    const flowing = await Promise.all(waiting.map((id) => rpc.call('invoke',
      { object: id, operation: 'isMediaFlowingOut', operationParams: { mediaType: 'VIDEO' } })));
    waiting = waiting.filter((id, i) => !flowing[i].value);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`${waiting.length} of ${receiverIds.length} calls have no media after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

module.exports = { loopCall, vp8SenderTo, waitForMedia };
