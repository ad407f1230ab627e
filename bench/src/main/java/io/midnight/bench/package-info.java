/**
 * Benchmarks behind {@code midnight bench}: the fan-out ladder ({@link io.midnight.bench.FanoutBench}) against
 * Midnight and a bare broadcast server that is its ceiling ({@link io.midnight.bench.BareBroadcastServer}), and
 * idle-session memory ({@link io.midnight.bench.IdleSessionsBench}).
 *
 * <p>Three Socket.IO clients exist on purpose, each measuring something the others would distort; all of them
 * write and read the wire through {@code common}'s {@code EventFrames} and {@code EventScan}:
 * <ul>
 *   <li>{@link io.midnight.bench.SocketIoLoadClient}: open-loop senders at a stepped rate; the latency of every
 *       ack and every delivery from each message's intended send time, and each message's delivery count. Many
 *       sockets per event loop, no per-user state beyond what the ledger needs.</li>
 *   <li>{@link io.midnight.bench.IdleSessionsClients}: sessions that only connect and answer pings, kept in
 *       plain arrays, so the server's memory per idle session is what is measured, not the client's.</li>
 *   <li>{@code loadtest}'s {@code ClientVerticle}: the product's load test, one verticle per simulated user that
 *       joins, sends, reconnects, catches up and proves per room that no acked message was lost.</li>
 * </ul>
 */
package io.midnight.bench;
