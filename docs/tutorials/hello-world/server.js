// Hello World: serves index.html and, per browser, a MediaPipeline with one WebRtcEndpoint
// connected to itself (loopback). Signalling is JSON over a WebSocket at /signal.
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

async function start(socket, session, sdpOffer) {
  const client = await kurentoClient(kurentoUrl);
  session.pipeline = await client.create('MediaPipeline');
  const webRtc = await session.pipeline.create('WebRtcEndpoint');
  for (const candidate of session.queue) await webRtc.addIceCandidate(candidate);
  session.webRtc = webRtc;
  webRtc.on('IceCandidateFound', (event) => {
    socket.send(JSON.stringify({ id: 'iceCandidate', candidate: event.candidate }));
  });
  await webRtc.connect(webRtc);
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

server.listen(port, () => console.log(`Hello World on http://localhost:${port}/`));
