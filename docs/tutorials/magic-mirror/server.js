// Magic Mirror: serves index.html and a hat picture and, per browser, a MediaPipeline where the
// camera goes WebRtcEndpoint -> FaceOverlayFilter -> back to the same WebRtcEndpoint, with the
// hat over every face found. Signalling is JSON over a WebSocket at /signal.
//   node server.js [--port 8443] [--ws ws://localhost:8888/kurento]
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const kurentoClient = require('kurento-client');
const WebSocket = require('ws');

const { hatPng } = require('./hat');

const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const port = Number(option('port', 8443));
const kurentoUrl = option('ws', 'ws://localhost:8888/kurento');

const page = fs.readFileSync(path.join(__dirname, 'index.html'));
const hat = hatPng();
const server = http.createServer((request, response) => {
  if (request.url === '/img/hat.png') {
    response.writeHead(200, { 'Content-Type': 'image/png' });
    response.end(hat);
    return;
  }
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(page);
});

async function start(socket, session, sdpOffer) {
  const client = await kurentoClient(kurentoUrl);
  session.pipeline = await client.create('MediaPipeline');
  const webRtc = await session.pipeline.create('WebRtcEndpoint');
  for (const candidate of session.queue) await webRtc.addIceCandidate(candidate);
  session.webRtc = webRtc;
  webRtc.on('IceCandidateFound', (event) => {
    socket.send(JSON.stringify({ id: 'iceCandidate', candidate: event.candidate }));
  });
  const faceOverlay = await session.pipeline.create('FaceOverlayFilter');
  // The media server fetches the picture from this app: the hat is 1.6 faces wide and tall,
  // 0.35 of a face to the left and 1.2 faces above the face's top-left corner.
  await faceOverlay.setOverlayedImage(`http://localhost:${port}/img/hat.png`, -0.35, -1.2, 1.6, 1.6);
  await webRtc.connect(faceOverlay);
  await faceOverlay.connect(webRtc);
  const sdpAnswer = await webRtc.processOffer(sdpOffer);
  socket.send(JSON.stringify({ id: 'startResponse', sdpAnswer }));
  await webRtc.gatherCandidates();
}

new WebSocket.Server({ server, path: '/signal' }).on('connection', (socket) => {
  const session = { queue: [] };
  socket.on('message', async (data) => {
    const message = JSON.parse(data);
    try {
      if (message.id === 'start') {
        await start(socket, session, message.sdpOffer);
      } else if (message.id === 'onIceCandidate') {
        const candidate = kurentoClient.getComplexType('IceCandidate')(message.candidate);
        if (session.webRtc) await session.webRtc.addIceCandidate(candidate);
        else session.queue.push(candidate);
      } else if (message.id === 'stop' && session.pipeline) {
        await session.pipeline.release();
      }
    } catch (error) {
      socket.send(JSON.stringify({ id: 'error', message: String(error.message || error) }));
    }
  });
  socket.on('close', () => { if (session.pipeline) session.pipeline.release(); });
});

server.listen(port, () => console.log(`Magic Mirror on http://localhost:${port}/`));
