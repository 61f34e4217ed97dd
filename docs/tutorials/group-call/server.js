// Group call: everyone who joins the room sends camera and microphone into a HubPort of one
// Composite and receives the Composite's grid, with the audio of everyone else, through the
// same WebRtcEndpoint. Signalling is JSON over a WebSocket at /signal. With --record, the room
// is recorded from its opening to its closing: a RecorderEndpoint on a HubPort of its own.
//   node server.js [--port 8443] [--ws ws://localhost:8888/kurento] [--size 800x600]
//                  [--record file:///tmp/room.webm]
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
const recordUri = option('record', null);

const page = fs.readFileSync(path.join(__dirname, 'index.html'));
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(page);
});

let clientPromise = null;
let room = null;  // { pipeline, composite, recorder }
const members = new Set();

async function openRoom() {
  if (!room) {
    clientPromise = clientPromise || kurentoClient(kurentoUrl);
    room = (async () => {
      const client = await clientPromise;
      const pipeline = await client.create('MediaPipeline');
      const composite = await pipeline.create('Composite', { width, height, framerate: 15 });
      const recorder = recordUri ? await recordRoom(pipeline, composite) : null;
      return { pipeline, composite, recorder };
    })();
  }
  return room;
}

// The recorder gets the grid and everyone's audio (its port sends nothing into the room).
async function recordRoom(pipeline, composite) {
  const recorder = await pipeline.create('RecorderEndpoint', { uri: recordUri, mediaProfile: 'WEBM' });
  recorder.on('Error', (error) => console.error(`recording failed: ${error.description}`));
  const port = await composite.createHubPort();
  await port.connect(recorder);
  await recorder.record();
  console.log(`recording the room to ${recordUri}`);
  return recorder;
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
    const closing = await room;
    room = null;
    if (closing.recorder) {
      await closing.recorder.stopAndWait();  // the file complete before the pipeline goes
      console.log(`recorded the room to ${recordUri}`);
    }
    await closing.pipeline.release();
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
