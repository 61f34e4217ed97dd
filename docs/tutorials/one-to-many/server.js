// One-to-many: one presenter's WebRtcEndpoint feeds a WebRtcEndpoint per viewer, all in one
// MediaPipeline. Signalling is JSON over a WebSocket at /signal.
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

let clientPromise = null;
let pipeline = null;
let presenter = null;  // { socket, webRtc }

async function endpointFor(socket, session, sdpOffer) {
  clientPromise = clientPromise || kurentoClient(kurentoUrl);
  const client = await clientPromise;
  pipeline = pipeline || await client.create('MediaPipeline');
  const webRtc = await pipeline.create('WebRtcEndpoint');
  for (const candidate of session.queue) await webRtc.addIceCandidate(candidate);
  session.webRtc = webRtc;
  webRtc.on('IceCandidateFound', (event) => {
    socket.send(JSON.stringify({ id: 'iceCandidate', candidate: event.candidate }));
  });
  return webRtc;
}

async function answer(socket, webRtc, sdpOffer, id) {
  const sdpAnswer = await webRtc.processOffer(sdpOffer);
  socket.send(JSON.stringify({ id, sdpAnswer }));
  await webRtc.gatherCandidates();
}

async function stop(session) {
  if (!session.webRtc) return;
  const webRtc = session.webRtc;
  session.webRtc = null;
  if (presenter && presenter.webRtc === webRtc) {
    presenter = null;
    const old = pipeline;
    pipeline = null;
    await old.release();  // the viewers' endpoints go with it
  } else {
    await webRtc.release();
  }
}

new WebSocket.Server({ server, path: '/signal' }).on('connection', (socket) => {
  const session = { queue: [] };
  socket.on('message', async (data) => {
    const message = JSON.parse(data);
    try {
      if (message.id === 'presenter') {
        if (presenter) throw new Error('there is already a presenter');
        const webRtc = await endpointFor(socket, session, message.sdpOffer);
        presenter = { socket, webRtc };
        await answer(socket, webRtc, message.sdpOffer, 'presenterResponse');
      } else if (message.id === 'viewer') {
        if (!presenter) throw new Error('no presenter yet');
        const webRtc = await endpointFor(socket, session, message.sdpOffer);
        await presenter.webRtc.connect(webRtc);
        await answer(socket, webRtc, message.sdpOffer, 'viewerResponse');
      } else if (message.id === 'onIceCandidate') {
        const candidate = kurentoClient.getComplexType('IceCandidate')(message.candidate);
        if (session.webRtc) await session.webRtc.addIceCandidate(candidate);
        else session.queue.push(candidate);
      } else if (message.id === 'stop') {
        await stop(session);
      }
    } catch (error) {
      socket.send(JSON.stringify({ id: 'error', message: String(error.message || error) }));
    }
  });
  socket.on('close', () => stop(session).catch(() => {}));
});

server.listen(port, () => console.log(`One-to-many on http://localhost:${port}/`));
