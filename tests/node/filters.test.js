// The filters module with real media: RTP from gst-launch-1.0 senders into an RtpEndpoint,
// through a filter, out of another RtpEndpoint to a receiver whose decoded frames are checked
// pixel by pixel; and the errors of each filter.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const { connect } = require('./lib/rpc');
const { startServer } = require('./lib/server');
const { launch, sender: rtpSender, receiver: rtpReceiver, exitWithin, sdpOffer, mediaPort, freeUdpPort } = require('./lib/gst');
const { frameReceiver, isMagenta, isDark } = require('./lib/frames');
const { rgbaPng } = require('./lib/png');

const FACE_PICTURE = path.join(__dirname, 'media', 'astronaut.png');
const VP8 = { type: 'video', pt: 96, rtpmap: 'VP8/90000' };
const OPUS = { type: 'audio', pt: 111, rtpmap: 'opus/48000/2' };
const VP8_ENCODE = 'vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96';
const ILLEGAL_PARAM = 40107;
const WIDTH = 320;
const HEIGHT = 240;

const MAGENTA = [255, 0, 255, 255];
const describePixels = (receiver, points) => (frame) =>
  points.map(([x, y]) => `(${x},${y})=${receiver.pixel(frame, x, y).join('/')}`).join(' ');

describe('filters with real media', () => {
  let server;
  let rpc;
  let images;
  let imageUrl;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-filters-'));
  const children = [];

  before(async () => {
    server = await startServer();
    rpc = await connect(server.url);
    // Top half opaque magenta, bottom half transparent green: green on screen means the alpha
    // channel was ignored.
    const halfPng = rgbaPng(64, 64, (x, y) => (y < 32 ? MAGENTA : [0, 255, 0, 0]));
    fs.writeFileSync(path.join(dir, 'half.png'), halfPng);
    fs.writeFileSync(path.join(dir, 'magenta.png'), rgbaPng(64, 64, () => MAGENTA));
    fs.writeFileSync(path.join(dir, 'not-a-picture.png'), 'hello');
    images = http.createServer((request, response) => {
      const file = path.join(dir, path.basename(request.url));
      if (!fs.existsSync(file)) {
        response.writeHead(404);
        response.end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'image/png' });
      response.end(fs.readFileSync(file));
    });
    await new Promise((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageUrl = (name) => `http://127.0.0.1:${images.address().port}/${name}`;
  });

  after(async () => {
    children.forEach((child) => child.kill('SIGKILL'));
    if (images) images.close();
    if (rpc) await rpc.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const create = async (type, constructorParams) =>
    (await rpc.call('create', { type, constructorParams })).value;
  const invoke = async (object, operation, operationParams = {}) =>
    (await rpc.call('invoke', { object, operation, operationParams })).value;
  const invokeError = (object, operation, operationParams = {}) =>
    rpc.error('invoke', { object, operation, operationParams });

  // sender source ! VP8 -> RtpEndpoint -> filter -> RtpEndpoint -> frame receiver.
  async function chain(filterType, filterParams, source) {
    const pipeline = await create('MediaPipeline');
    const input = await create('RtpEndpoint', { mediaPipeline: pipeline });
    const output = await create('RtpEndpoint', { mediaPipeline: pipeline });
    const filter = await create(filterType, { mediaPipeline: pipeline, ...filterParams });
    await invoke(input, 'connect', { sink: filter });
    await invoke(filter, 'connect', { sink: output });
    const port = await freeUdpPort();
    const receiver = await frameReceiver(port, WIDTH, HEIGHT);
    children.push(receiver.child);
    await invoke(output, 'processOffer', {
      offer: sdpOffer({ media: [{ ...VP8, port, direction: 'recvonly' }] }),
    });
    const answer = await invoke(input, 'processOffer', {
      offer: sdpOffer({ media: [{ ...VP8, port: 5000, direction: 'sendonly' }] }),
    });
    const sender = launch(`${source} ! ${VP8_ENCODE} ! udpsink host=127.0.0.1 port=${mediaPort(answer, 'video')}`);
    children.push(sender);
    return { pipeline, filter, receiver, sender };
  }
  const testSource = (pattern) =>
    `videotestsrc is-live=true pattern=${pattern} ! video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=30/1`;
  const release = async ({ pipeline, receiver, sender }) => {
    receiver.stop();
    sender.kill('SIGKILL');
    await rpc.call('release', { object: pipeline });
  };

  describe('GStreamerFilter', () => {
    it('videoflip method=horizontal-flip mirrors the SMPTE bars', async () => {
      const run = await chain('GStreamerFilter', { command: 'videoflip method=horizontal-flip' },
        testSource('smpte'));
      // SMPTE bars: grey on the left, blue on the right; mirrored, blue is on the left.
      const points = [[10, 60], [WIDTH - 10, 60]];
      await run.receiver.waitFor((frame) => {
        const [left, right] = points.map(([x, y]) => run.receiver.pixel(frame, x, y));
        return left[2] > 150 && left[0] < 80 && right[0] > 150 && right[1] > 150 && right[2] > 150;
      }, { describe: describePixels(run.receiver, points) });
      assert.equal(await invoke(run.filter, 'getCommand'), 'videoflip method=horizontal-flip');
      // Back to identity through setElementProperty: grey on the left again.
      await invoke(run.filter, 'setElementProperty', { propertyName: 'method', propertyValue: 'none' });
      await run.receiver.waitFor((frame) => {
        const left = run.receiver.pixel(frame, ...points[0]);
        return left[0] > 150 && left[1] > 150 && left[2] > 150;
      }, { describe: describePixels(run.receiver, points), afterCount: run.receiver.count() });
      const wrongValue = await invokeError(run.filter, 'setElementProperty',
        { propertyName: 'method', propertyValue: 'sideways' });
      assert.equal(wrongValue.code, ILLEGAL_PARAM);
      assert.match(wrongValue.message, /'sideways' is not a valid .* for property 'method'/);
      const unknown = await invokeError(run.filter, 'setElementProperty',
        { propertyName: 'colour', propertyValue: '1' });
      assert.equal(unknown.code, ILLEGAL_PARAM);
      assert.match(unknown.message, /has a property 'colour'/);
      await release(run);
    });

    it('refuses malformed commands, outside-reaching elements and wrong pads with 40107', async () => {
      const pipeline = await create('MediaPipeline');
      const refused = async (command, pattern, filterType) => {
        const error = await rpc.error('create', { type: 'GStreamerFilter',
          constructorParams: { mediaPipeline: pipeline, command, ...(filterType ? { filterType } : {}) } });
        assert.equal(error.code, ILLEGAL_PARAM, JSON.stringify(error));
        assert.match(error.message, pattern);
      };
      await refused('videoflip method=', /GStreamerFilter command 'videoflip method=': /);
      await refused('nosuchelement', /no element "nosuchelement"/i);
      await refused('videoflip ! ', /GStreamerFilter command/);
      await refused('filesink location=/tmp/kms-x', /'filesink' is refused: a Sink\/File element/);
      await refused('videoconvert ! udpsink host=127.0.0.1 port=9', /'udpsink' is refused/);
      await refused('vp8enc ! vp8dec', /'vp8enc' is refused: its property 'multipass-cache-file'/);
      await refused('uridecodebin uri=file:///etc/passwd', /'uridecodebin' is refused/);
      await refused('tee', /exactly one unlinked sink pad and one unlinked source pad/);
      await refused('volume', /source pad does not carry video\/x-raw|sink pad does not carry video/, 'VIDEO');
      await refused('rtpvp8depay', /neither raw audio nor raw video/);
      await rpc.call('release', { object: pipeline });
    });

    it('an allow-listed element is accepted; the settings file is checked at start-up', async () => {
      const allowing = await startServer({ ini: { 'GStreamerFilter.conf.ini': 'allowedElements=fakesink, vp8enc\n' } });
      const other = await connect(allowing.url);
      try {
        const pipeline = (await other.call('create', { type: 'MediaPipeline' })).value;
        await other.call('create', { type: 'GStreamerFilter',
          constructorParams: { mediaPipeline: pipeline, command: 'vp8enc deadline=1 ! vp8dec' } });
      } finally {
        await other.close();
        assert.equal(await allowing.stop(), 0, allowing.output());
      }
      await assert.rejects(startServer({ ini: { 'GStreamerFilter.conf.ini': 'allowedElements=nosuchthing\n' } }),
        /GStreamerFilter\.conf\.ini: key 'allowedElements': no GStreamer element named 'nosuchthing'/);
    });

    it('filterType AUDIO takes audio elements and passes video through unchanged', async () => {
      const run = await chain('GStreamerFilter', { command: 'volume volume=0.5', filterType: 'AUDIO' },
        testSource('smpte'));
      const points = [[10, 60], [WIDTH - 10, 60]];
      await run.receiver.waitFor((frame) => {
        const [left, right] = points.map(([x, y]) => run.receiver.pixel(frame, x, y));
        return left[0] > 150 && left[1] > 150 && left[2] > 150 && right[2] > 150 && right[0] < 80;
      }, { describe: describePixels(run.receiver, points) });
      await invoke(run.filter, 'setElementProperty', { propertyName: 'volume', propertyValue: '2.0' });
      const outOfRange = await invokeError(run.filter, 'setElementProperty', { propertyName: 'volume', propertyValue: '99' });
      assert.equal(outOfRange.code, ILLEGAL_PARAM);
      assert.match(outOfRange.message, /out of range/);
      await release(run);
    });
  });

  describe('ImageOverlayFilter', () => {
    it('draws a PNG at the given geometry, with its alpha; keepAspectRatio and center', async () => {
      const run = await chain('ImageOverlayFilter', {}, testSource('black'));
      // Region x 160..240, y 60..180: magenta above y=120, transparent below.
      await invoke(run.filter, 'addImage', { id: 'half', uri: imageUrl('half.png'),
        offsetXPercent: 0.5, offsetYPercent: 0.25, widthPercent: 0.25, heightPercent: 0.5,
        keepAspectRatio: false, center: false });
      // Region x 0..160, y 0..60 keeping the square: 60x60 centred, x 50..110.
      await invoke(run.filter, 'addImage', { id: 'square', uri: `file://${path.join(dir, 'magenta.png')}`,
        offsetXPercent: 0, offsetYPercent: 0, widthPercent: 0.5, heightPercent: 0.25,
        keepAspectRatio: true, center: true });
      const points = [[200, 90], [200, 150], [150, 90], [250, 90], [200, 50], [80, 30], [30, 30], [130, 30]];
      const [inside, transparent, left, right, above, square, squareLeft, squareRight] = points;
      await run.receiver.waitFor((frame) => {
        const at = (point) => run.receiver.pixel(frame, ...point);
        return isMagenta(at(inside)) && isDark(at(transparent)) && isDark(at(left)) &&
          isDark(at(right)) && isDark(at(above)) && isMagenta(at(square)) &&
          isDark(at(squareLeft)) && isDark(at(squareRight));
      }, { describe: describePixels(run.receiver, points) });
      await invoke(run.filter, 'removeImage', { id: 'half' });
      await run.receiver.waitFor((frame) => isDark(run.receiver.pixel(frame, ...inside)) &&
        isMagenta(run.receiver.pixel(frame, ...square)),
      { describe: describePixels(run.receiver, points), afterCount: run.receiver.count() });
      await release(run);
    });

    it('answers 40107 naming the URI for images that cannot be fetched or decoded', async () => {
      const pipeline = await create('MediaPipeline');
      const filter = await create('ImageOverlayFilter', { mediaPipeline: pipeline });
      const add = (id, uri, extra = {}) => invokeError(filter, 'addImage', { id, uri,
        offsetXPercent: 0, offsetYPercent: 0, widthPercent: 0.5, heightPercent: 0.5,
        keepAspectRatio: false, center: false, ...extra });
      for (const [uri, reason] of [
        [imageUrl('missing.png'), /Not Found/i],
        [`file://${path.join(dir, 'missing.png')}`, /not (be )?(found|open)|No such file|Could not open/i],
        [imageUrl('not-a-picture.png'), /not a picture that can be decoded/],
        ['no uri at all', /not a URI/],
      ]) {
        const error = await add('x', uri);
        assert.equal(error.code, ILLEGAL_PARAM, JSON.stringify(error));
        assert.ok(error.message.includes(`'${uri}'`), error.message);
        assert.match(error.message, reason);
      }
      const geometry = await add('x', imageUrl('half.png'), { widthPercent: 1.5 });
      assert.equal(geometry.code, ILLEGAL_PARAM);
      assert.match(geometry.message, /widthPercent must be a fraction/);
      const unknown = await invokeError(filter, 'removeImage', { id: 'nobody' });
      assert.equal(unknown.code, ILLEGAL_PARAM);
      await rpc.call('release', { object: pipeline });
    });
  });

  describe('FaceOverlayFilter', () => {
    // The astronaut picture (512x512) fitted into 320x240: 240x240 at x 40..280. OpenCV's
    // frontal-face cascade finds her face at about x 177..270, y 67..160 of the picture, that
    // is x 123..167, y 31..75 here.
    const faceSource = () => {
      assert.ok(fs.existsSync(FACE_PICTURE), `${FACE_PICTURE} is missing: run scripts/install-deps.sh --tests`);
      return `filesrc location=${FACE_PICTURE} ! pngdec ! imagefreeze is-live=true ! videoconvert ! videoscale add-borders=true ! video/x-raw,width=${WIDTH},height=${HEIGHT},pixel-aspect-ratio=1/1,framerate=30/1 ! videoconvert`;
    };
    const FACE_CENTRE = [145, 53];

    it('draws the image over a face and follows unsetOverlayedImage', async () => {
      const run = await chain('FaceOverlayFilter', {}, faceSource());
      await invoke(run.filter, 'setOverlayedImage', { uri: imageUrl('magenta.png'),
        offsetXPercent: 0, offsetYPercent: 0, widthPercent: 1, heightPercent: 1 });
      const points = [FACE_CENTRE, [20, 200], [300, 200]];
      await run.receiver.waitFor((frame) => isMagenta(run.receiver.pixel(frame, ...FACE_CENTRE)) &&
        !isMagenta(run.receiver.pixel(frame, 20, 200)), { describe: describePixels(run.receiver, points) });
      await invoke(run.filter, 'unsetOverlayedImage');
      await run.receiver.waitFor((frame) => !isMagenta(run.receiver.pixel(frame, ...FACE_CENTRE)),
        { describe: describePixels(run.receiver, points), afterCount: run.receiver.count() });
      await release(run);
    });

    it('draws nothing on a face-free pattern', async () => {
      const run = await chain('FaceOverlayFilter', {}, testSource('ball'));
      await invoke(run.filter, 'setOverlayedImage', { uri: imageUrl('magenta.png'),
        offsetXPercent: 0, offsetYPercent: 0, widthPercent: 1, heightPercent: 1 });
      // Three seconds of frames (about 30 detections): not one magenta pixel.
      const until = Date.now() + 3000;
      let frames = 0;
      await run.receiver.waitFor(() => false, { timeoutMs: 1 }).catch(() => {});
      while (Date.now() < until) {
        const frame = run.receiver.latest();
        if (frame) {
          frames += 1;
          for (let i = 0; i < frame.length; i += 3) {
            assert.ok(!isMagenta([frame[i], frame[i + 1], frame[i + 2]]), `magenta at pixel ${i / 3}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(frames > 10 && run.receiver.count() > 30, `${run.receiver.count()} frames\n${run.receiver.output()}`);
      await release(run);
    });

    it('answers 40107 for a bad image or negative sizes', async () => {
      const pipeline = await create('MediaPipeline');
      const filter = await create('FaceOverlayFilter', { mediaPipeline: pipeline });
      const set = (uri, widthPercent = 1) => invokeError(filter, 'setOverlayedImage', { uri,
        offsetXPercent: 0, offsetYPercent: 0, widthPercent, heightPercent: 1 });
      const missing = await set(imageUrl('missing.png'));
      assert.equal(missing.code, ILLEGAL_PARAM);
      assert.match(missing.message, /cannot use the image 'http:.*missing\.png': Not Found/i);
      const negative = await set(imageUrl('magenta.png'), -1);
      assert.equal(negative.code, ILLEGAL_PARAM);
      assert.match(negative.message, /widthPercent must be a positive ratio/);
      await rpc.call('release', { object: pipeline });
    });
  });

  describe('chained filters', () => {
    it('audio passes an OpenCV filter untouched and goes through an AUDIO GStreamerFilter', async () => {
      const pipeline = await create('MediaPipeline');
      const input = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const output = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const overlay = await create('ImageOverlayFilter', { mediaPipeline: pipeline });
      const volume = await create('GStreamerFilter', { mediaPipeline: pipeline, command: 'volume volume=0.8', filterType: 'AUDIO' });
      await invoke(input, 'connect', { sink: overlay });
      await invoke(overlay, 'connect', { sink: volume });
      await invoke(volume, 'connect', { sink: output });
      const audioPort = await freeUdpPort();
      const videoPort = await freeUdpPort();
      const audioIn = rtpReceiver('OPUS', audioPort, 50, '127.0.0.1');
      const receiver = await frameReceiver(videoPort, WIDTH, HEIGHT);
      children.push(audioIn, receiver.child);
      await invoke(output, 'processOffer', { offer: sdpOffer({ media: [
        { ...OPUS, port: audioPort, direction: 'recvonly' }, { ...VP8, port: videoPort, direction: 'recvonly' }] }) });
      const answer = await invoke(input, 'processOffer', { offer: sdpOffer({ media: [
        { ...OPUS, port: 5002, direction: 'sendonly' }, { ...VP8, port: 5000, direction: 'sendonly' }] }) });
      const audioOut = rtpSender('OPUS', mediaPort(answer, 'audio'));
      const videoOut = launch(`${testSource('smpte')} ! ${VP8_ENCODE} ! udpsink host=127.0.0.1 port=${mediaPort(answer, 'video')}`);
      children.push(audioOut, videoOut);
      assert.equal(await exitWithin(audioIn, 15000), 0, audioIn.output());
      await receiver.waitFor(() => true);
      assert.equal(await invoke(output, 'isMediaFlowingIn', { mediaType: 'AUDIO', sinkMediaDescription: 'default' }), true);
      audioOut.kill('SIGKILL');
      await release({ pipeline, receiver, sender: videoOut });
    });

    it('two OpenCV filters of one VP8 source share its one decoder', async () => {
      const value = 'kms-shared-decoder';
      const source = `videotestsrc is-live=true pattern=white ! video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=30/1 ! qroverlay data=${value} case-sensitive=true pixel-size=3 x=50 y=50`;
      const pipeline = await create('MediaPipeline');
      const input = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const output = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const overlay = await create('ImageOverlayFilter', { mediaPipeline: pipeline });
      const zbar = await create('ZBarFilter', { mediaPipeline: pipeline });
      await rpc.call('subscribe', { object: zbar, type: 'CodeFound' });
      await invoke(input, 'connect', { sink: overlay });
      await invoke(input, 'connect', { sink: zbar });
      await invoke(overlay, 'connect', { sink: output });
      const port = await freeUdpPort();
      const receiver = await frameReceiver(port, WIDTH, HEIGHT);
      children.push(receiver.child);
      await invoke(output, 'processOffer', { offer: sdpOffer({ media: [{ ...VP8, port, direction: 'recvonly' }] }) });
      const answer = await invoke(input, 'processOffer', {
        offer: sdpOffer({ media: [{ ...VP8, port: 5000, direction: 'sendonly' }] }) });
      const sender = launch(`${source} ! videoconvert ! ${VP8_ENCODE} ! udpsink host=127.0.0.1 port=${mediaPort(answer, 'video')}`);
      children.push(sender);
      await rpc.waitForEvent((e) => e.type === 'CodeFound' && e.object === zbar, 15000);
      await receiver.waitFor(() => true);
      // Each element's dot labels its elements "<GType>\n...": one VP8 decoder, at the source.
      const decoders = async (object) =>
        (await invoke(object, 'getGstreamerDot')).split('GstVP8Dec\\n').length - 1;
      assert.equal(await decoders(input), 1);
      assert.equal(await decoders(overlay), 0);
      assert.equal(await decoders(zbar), 0);
      assert.equal(await invoke(input, 'isMediaTranscoding', { mediaType: 'VIDEO' }), true);
      await release({ pipeline, receiver, sender });
    });

    it('ImageOverlayFilter -> GStreamerFilter videoflip: the overlay comes out mirrored', async () => {
      const pipeline = await create('MediaPipeline');
      const input = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const output = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const overlay = await create('ImageOverlayFilter', { mediaPipeline: pipeline });
      const flip = await create('GStreamerFilter', { mediaPipeline: pipeline, command: 'videoflip video-direction=horiz' });
      await invoke(input, 'connect', { sink: overlay });
      await invoke(overlay, 'connect', { sink: flip });
      await invoke(flip, 'connect', { sink: output });
      // Magenta on the left quarter of a black frame; mirrored, it is on the right quarter.
      await invoke(overlay, 'addImage', { id: 'left', uri: imageUrl('magenta.png'),
        offsetXPercent: 0, offsetYPercent: 0, widthPercent: 0.25, heightPercent: 1,
        keepAspectRatio: false, center: false });
      const port = await freeUdpPort();
      const receiver = await frameReceiver(port, WIDTH, HEIGHT);
      children.push(receiver.child);
      await invoke(output, 'processOffer', { offer: sdpOffer({ media: [{ ...VP8, port, direction: 'recvonly' }] }) });
      const answer = await invoke(input, 'processOffer', {
        offer: sdpOffer({ media: [{ ...VP8, port: 5000, direction: 'sendonly' }] }) });
      const sender = launch(`${testSource('black')} ! ${VP8_ENCODE} ! udpsink host=127.0.0.1 port=${mediaPort(answer, 'video')}`);
      children.push(sender);
      const points = [[30, 120], [WIDTH - 30, 120]];
      await receiver.waitFor((frame) => isDark(receiver.pixel(frame, ...points[0])) &&
        isMagenta(receiver.pixel(frame, ...points[1])), { describe: describePixels(receiver, points) });
      await release({ pipeline, receiver, sender });
    });
  });

  describe('ZBarFilter', () => {
    it('raises CodeFound once with the exact value of a QR code in view', async () => {
      const value = 'kms-ZBar-4711.v1';
      const source = `videotestsrc is-live=true pattern=white ! video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=30/1 ! qroverlay data=${value} case-sensitive=true pixel-size=3 x=50 y=50`;
      const pipeline = await create('MediaPipeline');
      const input = await create('RtpEndpoint', { mediaPipeline: pipeline });
      const filter = await create('ZBarFilter', { mediaPipeline: pipeline });
      await rpc.call('subscribe', { object: filter, type: 'CodeFound' });
      await invoke(input, 'connect', { sink: filter });
      const answer = await invoke(input, 'processOffer', {
        offer: sdpOffer({ media: [{ ...VP8, port: 5000, direction: 'sendonly' }] }),
      });
      const sender = launch(`${source} ! videoconvert ! ${VP8_ENCODE} ! udpsink host=127.0.0.1 port=${mediaPort(answer, 'video')}`);
      children.push(sender);
      const event = await rpc.waitForEvent((e) => e.type === 'CodeFound' && e.object === filter, 15000);
      assert.equal(event.data.codeType, 'QR-Code');
      assert.equal(event.data.value, value);
      assert.equal(event.data.source, filter);
      // Two more seconds in view: no second event for the same code.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(rpc.events.filter((e) => e.type === 'CodeFound' && e.object === filter).length, 1);
      sender.kill('SIGKILL');
      await rpc.call('release', { object: pipeline });
    });
  });
});
