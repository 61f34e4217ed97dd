// A TCP proxy on loopback whose connections the test can cut, to drop a client's socket.
'use strict';

const net = require('node:net');

function startProxy(targetPort) {
  const sockets = new Set();
  let holding = false;
  const held = [];
  const bridge = (client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  };
  const server = net.createServer((client) => {
    if (holding) {
      client.pause();
      held.push(client);
      return;
    }
    bridge(client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        connections: () => sockets.size / 2,
        cutAll: () => { for (const s of sockets) s.destroy(); sockets.clear(); },
        // While holding, new connections wait unanswered (the server seems unreachable, and
        // the client sees no error); released, they reach the server with what they sent.
        hold: (on) => {
          holding = on;
          if (!on) held.splice(0).forEach(bridge);
        },
        close: () => new Promise((r) => {
          for (const s of [...sockets, ...held.splice(0)]) s.destroy();
          server.close(r);
        }),
      });
    });
  });
}

module.exports = { startProxy };
