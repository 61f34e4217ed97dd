// RTP receiver: an RtpEndpoint takes H.264 + Opus from ffmpeg or gst-launch (plain RTP or
// SDES-SRTP) and sends them on, through a second RtpEndpoint, to a local viewer.
//   node index.js [--ws ws://localhost:8888/kurento] [--srtp] [--view-port 5004]
'use strict';

const crypto = require('node:crypto');
const kurentoClient = require('kurento-client');
const argv = require('minimist')(process.argv.slice(2), {
  string: ['ws'], boolean: ['srtp'],
  default: { ws: 'ws://localhost:8888/kurento', 'view-port': 5004 },
});

const SUITE = 'AES_CM_128_HMAC_SHA1_80';

// What the sender will send: H.264 (payload 103) and Opus (payload 111) from 127.0.0.1.
function senderOffer(key) {
  const proto = key ? 'RTP/SAVP' : 'RTP/AVP';
  const crypto = key ? `a=crypto:1 ${SUITE} inline:${key.toString('base64')}\r\n` : '';
  return 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=rtp sender\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=video 5000 ${proto} 103\r\na=rtpmap:103 H264/90000\r\n` +
    `a=fmtp:103 packetization-mode=1;profile-level-id=42e01f\r\n${crypto}a=sendonly\r\n` +
    `m=audio 5002 ${proto} 111\r\na=rtpmap:111 opus/48000/2\r\n${crypto}a=sendonly\r\n`;
}

// Where the viewer listens: video on --view-port, audio on the port after the next.
function viewerOffer(port) {
  return 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=rtp viewer\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=video ${port} RTP/AVP 103\r\na=rtpmap:103 H264/90000\r\n` +
    'a=fmtp:103 packetization-mode=1;profile-level-id=42e01f\r\na=recvonly\r\n' +
    `m=audio ${port + 2} RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=recvonly\r\n`;
}

async function main() {
  const client = await kurentoClient(argv.ws);
  const pipeline = await client.create('MediaPipeline');
  const key = argv.srtp ? crypto.randomBytes(30) : null;
  const receiver = await pipeline.create('RtpEndpoint');
  const viewer = await pipeline.create('RtpEndpoint');
  await receiver.connect(viewer);
  receiver.on('MediaStateChanged', (event) => console.log(`media ${event.newState}`));
  await viewer.processOffer(viewerOffer(Number(argv['view-port'])));
  const answer = await receiver.processOffer(senderOffer(key));
  const port = (type) => answer.match(new RegExp(`m=${type} (\\d+) `))[1];
  console.log(`export VIDEO_PORT=${port('video')} AUDIO_PORT=${port('audio')}` +
    (key ? ` SRTP_KEY=${key.toString('base64')} SRTP_KEY_HEX=${key.toString('hex')}` : ''));
  const stop = async () => {
    await pipeline.release();
    client.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
