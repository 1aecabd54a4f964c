import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One frame a client sent the fake Gateway, parsed. */
export interface GatewayFrame {
  op: number;
  d: any;
}

/**
 * A stand-in for Discord's Gateway, speaking its real opcodes over a WebSocket (JSON encoding):
 * HELLO (10) on connect with a heartbeat interval; IDENTIFY (2) checked against the bot token and
 * answered with a READY dispatch (0), or closed with 4004 for a wrong token; RESUME (6) of a session
 * it issued to that token answered with RESUMED, of any other with INVALID_SESSION (9, not
 * resumable); HEARTBEAT (1) answered with HEARTBEAT_ACK (11). `dispatch` sends any event, as Discord does, with a sequence.
 */
export interface FakeDiscordGateway {
  /** ws://127.0.0.1:port, what `GET /gateway/bot` answers. */
  url: string;
  /** The frames clients sent, in order. */
  frames: GatewayFrame[];
  /** How many clients have identified and are connected now. */
  readyClients(): number;
  /** Sends a dispatch (op 0) to every identified client. */
  dispatch(event: string, data: unknown): void;
  close(): Promise<void>;
}

export const GatewayOpcodes = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, invalidSession: 9, hello: 10, heartbeatAck: 11 } as const;

export async function startFakeDiscordGateway(options: { botToken: string; botUserId: string; applicationId: string }): Promise<FakeDiscordGateway> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const frames: GatewayFrame[] = [];
  const ready = new Map<WebSocket, { sequence: number }>();
  /** The sessions READY issued, by id, with their token and last sequence. */
  const sessions = new Map<string, { token: string; sequence: number }>();

  const send = (socket: WebSocket, frame: { op: number; d: unknown; s?: number | null; t?: string | null }) =>
    socket.send(JSON.stringify({ s: null, t: null, ...frame }));
  const dispatchTo = (socket: WebSocket, event: string, data: unknown) => {
    const session = ready.get(socket)!;
    session.sequence += 1;
    send(socket, { op: GatewayOpcodes.dispatch, t: event, s: session.sequence, d: data });
  };
  const resume = (socket: WebSocket, d: { token?: string; session_id?: string; seq?: number }) => {
    const session = d.session_id === undefined ? undefined : sessions.get(d.session_id);
    if (!session || session.token !== d.token) {
      send(socket, { op: GatewayOpcodes.invalidSession, d: false });
      return;
    }
    ready.set(socket, session);
    dispatchTo(socket, 'RESUMED', {});
  };

  server.on('connection', (socket) => {
    send(socket, { op: GatewayOpcodes.hello, d: { heartbeat_interval: 41_250 } });
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as GatewayFrame;
      frames.push(frame);
      if (frame.op === GatewayOpcodes.heartbeat) send(socket, { op: GatewayOpcodes.heartbeatAck, d: null });
      if (frame.op === GatewayOpcodes.resume) resume(socket, frame.d ?? {});
      if (frame.op === GatewayOpcodes.identify) {
        if (frame.d?.token !== options.botToken) {
          socket.close(4004, 'Authentication failed.');
          return;
        }
        const sessionId = randomBytes(16).toString('hex');
        const session = { token: options.botToken, sequence: 0 };
        sessions.set(sessionId, session);
        ready.set(socket, session);
        dispatchTo(socket, 'READY', {
          v: 10,
          user: { id: options.botUserId, username: 'fake-bot', discriminator: '0', global_name: null, avatar: null, bot: true },
          guilds: [],
          session_id: sessionId,
          resume_gateway_url: url,
          shard: frame.d.shard ?? [0, 1],
          application: { id: options.applicationId, flags: 0 },
        });
      }
    });
    socket.on('close', () => ready.delete(socket));
  });

  return {
    url,
    frames,
    readyClients: () => ready.size,
    dispatch: (event, data) => {
      for (const socket of ready.keys()) dispatchTo(socket, event, data);
    },
    close: async () => {
      for (const socket of server.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
