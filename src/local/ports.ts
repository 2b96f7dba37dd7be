import net from 'node:net';

export class PortInUseError extends Error {}

/** Resolves when `port` can be bound on `host`; otherwise names the port and the variable that moves it. */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        reject(
          new PortInUseError(
            `port ${port} on ${host} is ${err.code === 'EACCES' ? 'not allowed' : 'already in use'}: ` +
              `stop what uses it, or set ${variable} to another port (for example ${variable}=${port + 1})`,
          ),
        );
      } else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A port the OS considers free right now on `host`. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
