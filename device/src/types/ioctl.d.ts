declare module 'ioctl' {
  /** ioctl(2) on an open file descriptor; throws an Error carrying the errno name on failure. */
  export default function ioctl(fd: number, request: number, data?: number | Buffer): number;
}
