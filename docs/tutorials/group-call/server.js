// Group call: everyone who joins the room sends camera and microphone into a HubPort of one
// Composite and receives the Composite's grid, with the audio of everyone else, through the
// same WebRtcEndpoint. Signalling is JSON over a WebSocket at /signal.
//   node server.js [--port 8443] [--ws ws://localhost:8888/kurento] [--size 800x600]
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
const [width, height] = option('size', '800x600').split('x').map(Number);

const page = fs.readFileSync(path.join(__dirname, 'index.html'));
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(page);
});

let clientPromise = null;
let room = null;  // { pipeline, composite, members }
const members = new Set();

async function openRoom() {
  if (!room) {
    clientPromise = clientPromise || kurentoClient(kurentoUrl);
    room = (async () => {
      const client = await clientPromise;
      const pipeline = await client.create('MediaPipeline');
      const composite = await pipeline.create('Composite', { width, height, framerate: 15 });
      return { pipeline, composite };
    })();
  }
  return room;
}

async function join(socket, session, sdpOffer) {
  const { pipeline, composite } = await openRoom();
  const webRtc = await pipeline.create('WebRtcEndpoint');
  const hubPort = await composite.createHubPort();
  session.webRtc = webRtc;
  session.hubPort = hubPort;
  members.add(session);
  for (const candidate of session.queue) await webRtc.addIceCandidate(candidate);
  webRtc.on('IceCandidateFound', (event) => {
    socket.send(JSON.stringify({ id: 'iceCandidate', candidate: event.candidate }));
  });
  await webRtc.connect(hubPort);  // what this member sends goes into the grid
  await hubPort.connect(webRtc);  // and the grid (with the others' audio) comes back
  const sdpAnswer = await webRtc.processOffer(sdpOffer);
  socket.send(JSON.stringify({ id: 'joined', sdpAnswer }));
  await webRtc.gatherCandidates();
}

async function leave(session) {
  if (!members.delete(session)) return;
  await session.hubPort.release();
  await session.webRtc.release();
  if (members.size === 0 && room) {  // the last one out closes the room
    const closing = room;
    room = null;
    await (await closing).pipeline.release();
  }
}

new WebSocket.Server({ server, path: '/signal' }).on('connection', (socket) => {
  const session = { queue: [] };
  socket.on('message', async (data) => {
    const message = JSON.parse(data);
    try {
      if (message.id === 'join') {
        await join(socket, session, message.sdpOffer);
      } else if (message.id === 'onIceCandidate') {
        const candidate = kurentoClient.getComplexType('IceCandidate')(message.candidate);
        if (session.webRtc) await session.webRtc.addIceCandidate(candidate);
        else session.queue.push(candidate);
      } else if (message.id === 'leave') {
        await leave(session);
      }
    } catch (error) {
      socket.send(JSON.stringify({ id: 'error', message: String(error.message || error) }));
    }
  });
  socket.on('close', () => leave(session).catch(() => {}));
});

server.listen(port, () => console.log(`Group call on http://localhost:${port}/`));
