// Player: the browser watches a file, HTTP or RTSP URI played by a PlayerEndpoint into a
// WebRtcEndpoint, with pause, resume, seek and stop. Signalling is JSON over /signal.
//   node server.js [--port 8443] [--ws ws://localhost:8888/kurento]
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

const page = fs.readFileSync(path.join(__dirname, 'index.html'));
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(page);
});

async function start(socket, session, { sdpOffer, uri }) {
  const send = (message) => socket.send(JSON.stringify(message));
  const client = await kurentoClient(kurentoUrl);
  session.pipeline = await client.create('MediaPipeline');
  const webRtc = await session.pipeline.create('WebRtcEndpoint');
  for (const candidate of session.queue) await webRtc.addIceCandidate(candidate);
  session.webRtc = webRtc;
  webRtc.on('IceCandidateFound', (event) => send({ id: 'iceCandidate', candidate: event.candidate }));
  const player = await session.pipeline.create('PlayerEndpoint', { uri });
  session.player = player;
  player.on('Error', (error) => send({ id: 'error', message: error.description }));
  player.on('EndOfStream', () => send({ id: 'playEnd' }));
  await player.connect(webRtc);
  const sdpAnswer = await webRtc.processOffer(sdpOffer);
  send({ id: 'startResponse', sdpAnswer });
  await webRtc.gatherCandidates();
  await player.play();
  const info = await player.getVideoInfo();
  send({ id: 'videoInfo', isSeekable: info.isSeekable, duration: Number(info.duration) });
}

// kurento-client passes a failed call's error to the callback only.
const call = (method, ...args) => new Promise((resolve, reject) => {
  method(...args, (error, value) => (error ? reject(error) : resolve(value)));
});

async function handle(socket, session, message) {
  const { player } = session;
  if (message.id === 'start') {
    await start(socket, session, message);
  } else if (message.id === 'onIceCandidate') {
    const candidate = kurentoClient.getComplexType('IceCandidate')(message.candidate);
    if (session.webRtc) await session.webRtc.addIceCandidate(candidate);
    else session.queue.push(candidate);
  } else if (message.id === 'pause' && player) {
    await player.pause();
  } else if (message.id === 'resume' && player) {
    await player.play();
  } else if (message.id === 'doSeek' && player) {
    await call(player.setPosition.bind(player), Number(message.position));
  } else if (message.id === 'getPosition' && player) {
    socket.send(JSON.stringify({ id: 'position', position: Number(await player.getPosition()) }));
  } else if (message.id === 'stop' && session.pipeline) {
    await session.pipeline.release();
    session.pipeline = null;
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

server.listen(port, () => console.log(`Player on http://localhost:${port}/`));
