// Hello World with recording: the browser's camera loops back through a WebRtcEndpoint and is
// recorded by a RecorderEndpoint (WebM or MP4); "play" then plays the recording back to the
// page through a PlayerEndpoint. Signalling is JSON over /signal.
//   node server.js [--port 8443] [--ws ws://localhost:8888/kurento] [--dir /tmp]
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const kurentoClient = require('kurento-client');
const WebSocket = require('ws');

const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const port = Number(option('port', 8443));
const kurentoUrl = option('ws', 'ws://localhost:8888/kurento');
const folder = path.resolve(option('dir', '/tmp'));

const page = fs.readFileSync(path.join(__dirname, 'index.html'));
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(page);
});

// A new pipeline with a WebRtcEndpoint answering the page's offer (trickle ICE both ways).
async function webRtcSession(socket, session, sdpOffer, connectMedia) {
  const send = (message) => socket.send(JSON.stringify(message));
  const client = await kurentoClient(kurentoUrl);
  session.pipeline = await client.create('MediaPipeline');
  const webRtc = await session.pipeline.create('WebRtcEndpoint');
  for (const candidate of session.queue.splice(0)) await webRtc.addIceCandidate(candidate);
  session.webRtc = webRtc;
  webRtc.on('IceCandidateFound', (event) => send({ id: 'iceCandidate', candidate: event.candidate }));
  await connectMedia(webRtc);
  send({ id: 'startResponse', sdpAnswer: await webRtc.processOffer(sdpOffer) });
  await webRtc.gatherCandidates();
}

async function record(socket, session, { sdpOffer, profile }) {
  const extension = profile === 'MP4' ? 'mp4' : 'webm';
  session.uri = `file://${path.join(folder, `recording-${Date.now()}.${extension}`)}`;
  await webRtcSession(socket, session, sdpOffer, async (webRtc) => {
    session.recorder = await session.pipeline.create('RecorderEndpoint',
      { uri: session.uri, mediaProfile: profile === 'MP4' ? 'MP4' : 'WEBM' });
    session.recorder.on('Error', (error) => socket.send(JSON.stringify({ id: 'error', message: error.description })));
    await webRtc.connect(webRtc);
    await webRtc.connect(session.recorder);
  });
  await session.recorder.record();
}

async function play(socket, session, { sdpOffer }) {
  await webRtcSession(socket, session, sdpOffer, async (webRtc) => {
    session.player = await session.pipeline.create('PlayerEndpoint', { uri: session.uri });
    session.player.on('EndOfStream', () => socket.send(JSON.stringify({ id: 'playEnd' })));
    await session.player.connect(webRtc);
  });
  await session.player.play();
}

async function stop(socket, session) {
  if (session.recorder) {
    await session.recorder.stopAndWait();  // the file is complete when this returns
    socket.send(JSON.stringify({ id: 'recorded', uri: session.uri }));
    session.recorder = null;
  }
  if (session.pipeline) await session.pipeline.release();
  session.pipeline = null;
  session.webRtc = null;
}

async function handle(socket, session, message) {
  if (message.id === 'start') await record(socket, session, message);
  else if (message.id === 'play') await play(socket, session, message);
  else if (message.id === 'stop') await stop(socket, session);
  else if (message.id === 'onIceCandidate') {
    const candidate = kurentoClient.getComplexType('IceCandidate')(message.candidate);
    if (session.webRtc) await session.webRtc.addIceCandidate(candidate);
    else session.queue.push(candidate);
  }
}

new WebSocket.Server({ server, path: '/signal' }).on('connection', (socket) => {
  const session = { queue: [] };
  socket.on('message', (data) => {
    handle(socket, session, JSON.parse(data)).catch((error) => {
      socket.send(JSON.stringify({ id: 'error', message: String(error.message || error) }));
    });
  });
  socket.on('close', () => { if (session.pipeline) session.pipeline.release(); });
});

server.listen(port, () => console.log(`Hello World with recording on http://localhost:${port}/`));
