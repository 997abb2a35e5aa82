/** Listen/connect address text → libzmq TCP endpoint. */
import { expect, test } from "bun:test";
import { tcpEndpoint } from "../../../src/transport/endpoint.ts";
import { faultOf } from "../../support/fault.ts";

const cases: [string, string, boolean | string][] = [
  ["127.0.0.1:2136", "tcp://127.0.0.1:2136", false],
  [" 10.1.2.3 : 80 ", "tcp://10.1.2.3:80", false],
  ["127.0.0.1:0", "tcp://127.0.0.1:0", false],
  ["[::1]:2136", "tcp://[::1]:2136", true],
  ["[::]:2136", "tcp://[::]:2136", true],
  ["[2001:DB8:0:0:0:0:0:1]:7", "tcp://[2001:db8::1]:7", true],
  ["[::ffff:1.2.3.4]:5", "tcp://1.2.3.4:5", false],
  ["[0:0:0:0:0:ffff:0a00:0001]:5", "tcp://10.0.0.1:5", false],
  ["1.2.3.4:65536", "", "invalid port number"],
  ["1.2.3.4:-1", "", "invalid port number"],
  ["1.2.3.4:http", "", "invalid port number"],
  ["1.2.3.4", "", "invalid IP Address"],
  ["example.com:80", "", "invalid IP Address"],
  ["[1.2.3.4]:80", "", "invalid IP Address"],
  ["1.2.3:80", "", "invalid IP Address"],
  ["::1:80", "", "invalid IP Address"],
];

for (const [address, endpoint, want] of cases) {
  test(JSON.stringify(address), () => {
    if (typeof want === "string") {
      expect(faultOf(() => tcpEndpoint(address))).toBe(want);
      return;
    }
    expect(tcpEndpoint(address)).toEqual({ endpoint, ipv6: want });
  });
}
