import { isValidId } from './ids.js';

/**
 * MQTT topic layout, protocol v1:
 *
 *   <root>/v1/<deviceId>/status                       retained availability; also the Last Will
 *   <root>/v1/<deviceId>/clip/<clipId>/init           JSON ClipInit
 *   <root>/v1/<deviceId>/clip/<clipId>/chunk/<offset> raw bytes of the clip file from <offset>
 *   <root>/v1/<deviceId>/clip/<clipId>/fin            JSON ClipFin; repeatable, doubles as a status request
 *   <root>/v1/<deviceId>/ack                          JSON ClipAck, server -> device
 *   <root>/v1/<deviceId>/heartbeat                    JSON DeviceHeartbeat, periodic
 *   <root>/v1/<deviceId>/config                       JSON RemoteConfig, retained, server -> device
 *   <root>/v1/<deviceId>/config/state                 JSON ConfigState, retained: applied or rejected
 *   <root>/v1/<deviceId>/request/<name>               JSON request, server -> device (credentials, press)
 *   <root>/v1/<deviceId>/response/<name>              JSON answer to it with the same transaction
 *
 * The device id is a topic level so that broker ACLs can confine a device to its own subtree. No
 * topic starts with `$` and a chunk topic has six separators with a one-level root (AWS IoT Core
 * allows seven), so the root may have at most two levels.
 */
export const PROTOCOL_VERSION = 'v1';

export function validateRoot(root: string): string | undefined {
  if (root.startsWith('$')) return 'must not start with "$"';
  const levels = root.split('/');
  if (levels.length > 2) return 'may have at most two levels';
  if (levels.some((l) => l.length === 0 || /[+#]/.test(l))) return 'levels must be non-empty and free of "+" and "#"';
  return undefined;
}

export class Topics {
  constructor(readonly root: string) {
    const problem = validateRoot(root);
    if (problem) throw new Error(`MQTT topic root "${root}" ${problem}`);
  }

  device(deviceId: string): string {
    return `${this.root}/${PROTOCOL_VERSION}/${deviceId}`;
  }
  status(deviceId: string): string {
    return `${this.device(deviceId)}/status`;
  }
  ack(deviceId: string): string {
    return `${this.device(deviceId)}/ack`;
  }
  heartbeat(deviceId: string): string {
    return `${this.device(deviceId)}/heartbeat`;
  }
  config(deviceId: string): string {
    return `${this.device(deviceId)}/config`;
  }
  configState(deviceId: string): string {
    return `${this.device(deviceId)}/config/state`;
  }
  /** zigbee2mqtt style: a request names its kind; the answer comes back on `response/<name>`. */
  request(deviceId: string, name: RequestName): string {
    return `${this.device(deviceId)}/request/${name}`;
  }
  response(deviceId: string, name: RequestName): string {
    return `${this.device(deviceId)}/response/${name}`;
  }
  clipInit(deviceId: string, clipId: string): string {
    return `${this.device(deviceId)}/clip/${clipId}/init`;
  }
  clipChunk(deviceId: string, clipId: string, offset: number): string {
    return `${this.device(deviceId)}/clip/${clipId}/chunk/${offset}`;
  }
  clipFin(deviceId: string, clipId: string): string {
    return `${this.device(deviceId)}/clip/${clipId}/fin`;
  }

  /** What the server subscribes to for uploads from every device. */
  allClipMessages(): string {
    return `${this.root}/${PROTOCOL_VERSION}/+/clip/#`;
  }
  allStatuses(): string {
    return `${this.root}/${PROTOCOL_VERSION}/+/status`;
  }
  allHeartbeats(): string {
    return `${this.root}/${PROTOCOL_VERSION}/+/heartbeat`;
  }
  allConfigStates(): string {
    return `${this.root}/${PROTOCOL_VERSION}/+/config/state`;
  }
  allResponses(): string {
    return `${this.root}/${PROTOCOL_VERSION}/+/response/+`;
  }

  /** Parses a topic under this root, or returns undefined for anything that is not protocol v1. */
  parse(topic: string): ParsedTopic | undefined {
    const prefix = `${this.root}/${PROTOCOL_VERSION}/`;
    if (!topic.startsWith(prefix)) return undefined;
    const parts = topic.slice(prefix.length).split('/');
    const deviceId = parts[0];
    if (deviceId === undefined || !isValidId(deviceId)) return undefined;
    if (parts.length === 2 && parts[1] === 'status') return { kind: 'status', deviceId };
    if (parts.length === 2 && parts[1] === 'ack') return { kind: 'ack', deviceId };
    if (parts.length === 2 && parts[1] === 'heartbeat') return { kind: 'heartbeat', deviceId };
    if (parts.length === 2 && parts[1] === 'config') return { kind: 'config', deviceId };
    if (parts.length === 3 && parts[1] === 'config' && parts[2] === 'state') return { kind: 'config-state', deviceId };
    if (parts.length === 3 && (parts[1] === 'request' || parts[1] === 'response') && isRequestName(parts[2])) {
      return { kind: parts[1], deviceId, name: parts[2] };
    }
    if (parts[1] !== 'clip') return undefined;
    const clipId = parts[2];
    if (clipId === undefined || !isValidId(clipId)) return undefined;
    if (parts.length === 4 && parts[3] === 'init') return { kind: 'clip-init', deviceId, clipId };
    if (parts.length === 4 && parts[3] === 'fin') return { kind: 'clip-fin', deviceId, clipId };
    if (parts.length === 5 && parts[3] === 'chunk' && /^(0|[1-9][0-9]{0,9})$/.test(parts[4] ?? '')) {
      return { kind: 'clip-chunk', deviceId, clipId, offset: Number(parts[4]) };
    }
    return undefined;
  }
}

/** What a server may ask a device to do besides remote configuration. */
export const REQUEST_NAMES = ['credentials', 'press'] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];

function isRequestName(name: string | undefined): name is RequestName {
  return (REQUEST_NAMES as readonly (string | undefined)[]).includes(name);
}

export type ParsedTopic =
  | { kind: 'status'; deviceId: string }
  | { kind: 'ack'; deviceId: string }
  | { kind: 'heartbeat'; deviceId: string }
  | { kind: 'config'; deviceId: string }
  | { kind: 'config-state'; deviceId: string }
  | { kind: 'request'; deviceId: string; name: RequestName }
  | { kind: 'response'; deviceId: string; name: RequestName }
  | { kind: 'clip-init'; deviceId: string; clipId: string }
  | { kind: 'clip-fin'; deviceId: string; clipId: string }
  | { kind: 'clip-chunk'; deviceId: string; clipId: string; offset: number };
