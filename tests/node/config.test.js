// The configuration a Kurento user already has: kurento.conf.json as Kurento ships it (comments,
// limits as text), per class *.conf.ini files reaching the modules, and wss with a certificate.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it } = require('node:test');

const { connect } = require('./lib/rpc');
const { freePort, startServer } = require('./lib/server');

// The layout and comments of Kurento 7's /etc/kurento/kurento.conf.json.
const KURENTO_STOCK_CONF = `{
  "mediaServer": {
    "resources": {
      // Resources usage limit for raising an exception when an object creation is attempted
      "exceptionLimit": "0.8",
      // Resources usage limit for restarting the server when no objects are alive
      "killLimit": "0.7",
      // Garbage collector period in seconds
      "garbageCollectorPeriod": 240
    },
    "net": {
      "websocket": {
        "port": PORT,
        //"secure": {
        //  "port": 8433,
        //  "certificate": "defaultCertificate.pem",
        //  "password": ""
        //},
        "path": "kurento",
        "threads": 10
      }
    }
  }
}
`;

async function withServer(config, body) {
  const server = await startServer(config);
  try {
    await body(server);
  } finally {
    assert.equal(await server.stop(), 0, server.output());
  }
}

describe('configuration in Kurento formats', () => {
  it('starts with Kurento\'s own kurento.conf.json, comments and text limits included', async () => {
    await withServer({ confText: KURENTO_STOCK_CONF }, async (server) => {
      const rpc = await connect(server.url);
      const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
      await rpc.call('release', { object: pipeline });
      await rpc.close();
    });
  });

  it('passes <Class>.conf.ini settings to the modules', async () => {
    const ini = { 'MediaElement.conf.ini': '; comment\nencoderBitrate=123000\nmaxEncoderBitrate = 777000\n' };
    await withServer({ ini }, async (server) => {
      const rpc = await connect(server.url);
      const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
      const element = (await rpc.call('create', { type: 'PassThrough', constructorParams: { mediaPipeline: pipeline } })).value;
      const max = await rpc.call('invoke', { object: element, operation: 'getMaxEncoderBitrate' });
      assert.equal(max.value, 777000);
      const bitrate = await rpc.call('invoke', { object: element, operation: 'getEncoderBitrate' });
      assert.equal(bitrate.value, 123000);
      await rpc.call('release', { object: pipeline });
      await rpc.close();
    });
  });

  it('serves wss:// with the configured certificate beside ws://', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const both = path.join(dir, 'cert+key.pem');
    fs.writeFileSync(both, fs.readFileSync(cert, 'utf8') + fs.readFileSync(key, 'utf8'));
    const securePort = await freePort();
    try {
      await withServer({ websocket: { secure: { port: securePort, certificate: both, password: '' } } },
        async (server) => {
          const secure = await connect(`wss://127.0.0.1:${securePort}/kurento`, { rejectUnauthorized: false });
          assert.equal((await secure.call('ping', {})).value, 'pong');
          const described = await secure.call('describe', { object: 'manager_ServerManager' });
          assert.equal(described.type, 'ServerManager');
          await secure.close();
          const plain = await connect(server.url);
          assert.equal((await plain.call('ping', {})).value, 'pong');
          await plain.close();
        });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the DTLS certificate of WebRtcEndpoint.conf.ini pemCertificateRSA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-pem-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-subj', '/CN=configured', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const both = path.join(dir, 'both.pem');
    fs.writeFileSync(both, fs.readFileSync(cert, 'utf8') + fs.readFileSync(key, 'utf8'));
    const fingerprint = new (require('node:crypto').X509Certificate)(fs.readFileSync(cert)).fingerprint256;
    const offer = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' +
      'm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n' +
      'a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\n' +
      'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n' +
      'a=rtpmap:96 VP8/90000\r\n';
    try {
      await withServer({ ini: { 'WebRtcEndpoint.conf.ini': `pemCertificateRSA=${both}\n` } }, async (server) => {
        const rpc = await connect(server.url);
        const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
        const webRtc = (await rpc.call('create', { type: 'WebRtcEndpoint', constructorParams: { mediaPipeline: pipeline } })).value;
        const answer = (await rpc.call('invoke', { object: webRtc, operation: 'processOffer', operationParams: { offer } })).value;
        assert.equal(answer.match(/a=fingerprint:sha-256 (\S+)/)[1], fingerprint);
        await rpc.call('release', { object: pipeline });
        await rpc.close();
      });
      // A PEM file that cannot serve stops the server at start-up, naming the file and the key.
      await assert.rejects(startServer({ ini: { 'WebRtcEndpoint.conf.ini': `pemCertificateRSA=${path.join(dir, 'missing.pem')}\n` } }),
        /WebRtcEndpoint\.conf\.ini: key 'pemCertificateRSA': .*missing\.pem: cannot read the file/);
      await assert.rejects(startServer({ ini: { 'WebRtcEndpoint.conf.ini': `pemCertificateECDSA=${both}\n` } }),
        /key 'pemCertificateECDSA': .*both\.pem: its key is not ECDSA/);
      await assert.rejects(startServer({ ini: { 'WebRtcEndpoint.conf.ini': `pemCertificateRSA=${cert}\n` } }),
        /key 'pemCertificateRSA': .*cert\.pem: no unencrypted PEM private key in it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a bad value, naming the file and the key', async () => {
    await assert.rejects(startServer({ resources: { garbageCollectorPeriod: 'often' } }),
      /kurento\.conf\.json.*mediaServer\.resources\.garbageCollectorPeriod/s);
  });

  it('refuses to start on a bad value in a class\'s .conf.ini, naming the file and the key', async () => {
    const cases = [
      ['BaseRtpEndpoint.conf.ini', 'minPort=7000\nmaxPort=6000\n', /BaseRtpEndpoint\.conf\.ini: key 'minPort': 7000 is above maxPort 6000/],
      ['BaseRtpEndpoint.conf.ini', 'mtu=100\n', /BaseRtpEndpoint\.conf\.ini: key 'mtu': 100 is outside \[500, 9000\]/],
      ['MediaElement.conf.ini', 'encoderBitrate=lots\n', /MediaElement\.conf\.ini: key 'encoderBitrate': 'lots' is not an integer/],
      ['MediaElement.conf.ini', 'minEncoderBitrate=900000\nmaxEncoderBitrate=500000\n', /key 'minEncoderBitrate': 900000 is above maxEncoderBitrate 500000/],
      ['WebRtcEndpoint.conf.ini', 'turnURL=turn.example.com:3478\n', /WebRtcEndpoint\.conf\.ini: key 'turnURL': no user:password@ before the host/],
      ['WebRtcEndpoint.conf.ini', 'turnURL=u:p@turn.example.com:3478?transport=sctp\n', /key 'turnURL': 'transport=sctp' is not transport=udp or transport=tcp/],
      ['WebRtcEndpoint.conf.ini', 'stunServerPort=0\n', /key 'stunServerPort': 0 is outside \[1, 65535\]/],
      ['WebRtcEndpoint.conf.ini', 'iceTcp=maybe\n', /WebRtcEndpoint\.conf\.ini: key 'iceTcp'/],
      ['WebRtcEndpoint.conf.ini', 'externalIPv4=my.host.example\n', /key 'externalIPv4': 'my\.host\.example' is not a numeric IPv4 address/],
      ['RtpEndpoint.conf.ini', 'externalIPv6=192.0.2.1\n', /RtpEndpoint\.conf\.ini: key 'externalIPv6': '192\.0\.2\.1' is not a numeric IPv6 address/],
      ['UriEndpoint.conf.ini', 'defaultPath=ftp://files/\n', /UriEndpoint\.conf\.ini: key 'defaultPath': 'ftp:\/\/files\/' is not a file:\/\/\/, http:\/\/ or https:\/\/ URI/],
      ['PlayerEndpoint.conf.ini', 'rtspReconnectAttempts=-1\n', /PlayerEndpoint\.conf\.ini: key 'rtspReconnectAttempts': -1 is outside \[0, 1000\]/],
      ['PlayerEndpoint.conf.ini', 'sslCaFile=/nonexistent/ca.pem\n', /PlayerEndpoint\.conf\.ini: key 'sslCaFile': cannot read '\/nonexistent\/ca\.pem' as PEM certificates/],
      ['RecorderEndpoint.conf.ini', 'sslCaFile=/nonexistent/ca.pem\n', /RecorderEndpoint\.conf\.ini: key 'sslCaFile': cannot read/],
      ['HttpEndpoint.conf.ini', 'announcedAddress=my host\n', /HttpEndpoint\.conf\.ini: key 'announcedAddress': 'my host' is not a host name or an IP address/],
    ];
    for (const [file, text, message] of cases) {
      await assert.rejects(startServer({ ini: { [file]: text } }), message, `${file}: ${text}`);
    }
  });
});
