// Group call: everyone who joins the room sends camera and microphone into a HubPort of one
// Composite and receives the Composite's grid, with the audio of everyone else, through the
// same WebRtcEndpoint. The room is recorded (grid and mixed audio) by a RecorderEndpoint on a
// HubPort of its own. Signalling is JSON over a WebSocket at /signal.
//   node server.js [--port 8443] [--ws ws://localhost:8888/kurento] [--size 800x600]
//                  [--dir /tmp] (where the room's recordings go; --dir none: no recording)
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
const folder = option('dir', require('node:os').tmpdir());

const page = fs.readFileSync(path.join(__dirname, 'index.html'));
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(page);
});

let clientPromise = null;
let room = null;  // { pipeline, composite, recorder, uri }
const members = new Set();

async function openRoom() {
  if (!room) {
    clientPromise = clientPromise || kurentoClient(kurentoUrl);
    room = (async () => {
      const client = await clientPromise;
      const pipeline = await client.create('MediaPipeline');
      const composite = await pipeline.create('Composite', { width, height, framerate: 15 });
      if (folder === 'none') return { pipeline, composite };
      // The recorder's port sends nothing into the grid: it gets the whole grid and everyone's
      // audio.
      const uri = `file://${path.join(folder, `room-${Date.now()}.webm`)}`;
      const recorder = await pipeline.create('RecorderEndpoint', { uri, mediaProfile: 'WEBM' });
      recorder.on('Error', (error) => console.error(`recording ${uri}: ${error.description}`));
      const recorderPort = await composite.createHubPort();
      await recorderPort.connect(recorder);
      await recorder.record();
      console.log(`recording the room to ${uri}`);
      return { pipeline, composite, recorder, uri };
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
    const closing = await room;
    room = null;
    if (closing.recorder) {
      await closing.recorder.stopAndWait();  // the file is complete when this returns
      console.log(`recorded the room to ${closing.uri}`);
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
