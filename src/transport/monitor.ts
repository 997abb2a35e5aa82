/**
 * Incoming-connection counter for a server socket (peer/listener.go's monitor): libzmq reports socket events
 * on an inproc PAIR; ACCEPTED counts +1, DISCONNECTED −1 (never below 0). With `onConnected`, an outgoing
 * connection being (re)established calls it (payment/background.go watches its SUB socket that way); everything
 * else is ignored.
 */
import { Errno, MonitorEvent, POLLIN, SocketType, ZmqError, cstr, zmq } from "./libzmq.ts";
import { Socket } from "./socket.ts";

let monitors = 0;

export class ConnectionMonitor {
  #count = 0;
  readonly #target: Socket;
  readonly #pair: Socket;

  readonly #onConnected: (() => void) | undefined;

  constructor(target: Socket, onConnected?: () => void) {
    const endpoint = `inproc://bunmark-monitor-${process.pid}-${++monitors}`;
    const events = MonitorEvent.ACCEPTED | MonitorEvent.DISCONNECTED | (onConnected ? MonitorEvent.CONNECTED : 0);
    this.#onConnected = onConnected;
    if (zmq.zmq_socket_monitor(target.handle, cstr(endpoint), events) === -1) throw new ZmqError("zmq_socket_monitor", zmq.zmq_errno());
    this.#target = target;
    this.#pair = new Socket(SocketType.PAIR);
    this.#pair.connect(endpoint);
    this.#pair.watch(() => this.#drain());
  }

  /** Currently connected peers as seen by the events so far. */
  get count(): number {
    return this.#count;
  }

  close(): void {
    if (this.#pair.closed) return;
    // Stop the monitor before closing its reader; a closed target has stopped it already.
    if (!this.#target.closed && zmq.zmq_socket_monitor(this.#target.handle, null, 0) === -1 && zmq.zmq_errno() !== Errno.ETERM) {
      throw new ZmqError("zmq_socket_monitor(stop)", zmq.zmq_errno());
    }
    this.#pair.close();
  }

  #drain(): void {
    while (this.#pair.events() & POLLIN) {
      const frames = this.#pair.recvMessage();
      if (frames === null) return;
      // Frame 0: uint16 event + uint32 value, host byte order; frame 1: the endpoint.
      const [first] = frames;
      if (first === undefined || first.length < 2) continue;
      const event = new DataView(first.buffer, first.byteOffset, first.length).getUint16(0, true);
      if (event === MonitorEvent.ACCEPTED) this.#count++;
      else if (event === MonitorEvent.DISCONNECTED && this.#count > 0) this.#count--;
      else if (event === MonitorEvent.CONNECTED) this.#onConnected?.();
    }
  }
}
