// The DNS benchmark's floor: the cheapest hop a userspace process can be between one client and one upstream on the
// same machine. It parses nothing, filters nothing and learns nothing: a datagram from a client goes to the upstream
// unchanged, and an answer goes back to whoever last sent a query with the answer's 16-bit id (the benchmark has one
// client, so ids never collide). Both directions move in batches (recvmmsg until the socket is empty, one sendmmsg per
// batch), the upstream socket is connected (no route lookup per datagram), and it waits for datagrams as the
// attachments' event loops do (src/Netfence.Dns/EventLoops/EventLoop.cs): after moving datagrams it keeps polling for
// BUSY_POLL_US (every datagram restarts the budget), yields the core every few polls, stops polling when a yield ran
// another thread, and otherwise sleeps in epoll_wait. So it is our loop's design with nothing inside: whatever a real
// forwarder does beyond copying (parsing, deciding, learning, new ids) costs more, and what this relay keeps of the
// upstream's direct QPS is what a forwarder of that design can keep on the machine.
//
// Written for the benchmark by us; not a product component. Built by `./build.sh bench dns` with the host's clang.
//
// usage: udp_relay LISTEN_ADDR LISTEN_PORT UPSTREAM_ADDR UPSTREAM_PORT BUSY_POLL_US
//        (IPv4; BUSY_POLL_US 0 never polls)

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// As the event loops: polls between two yields, and the yield that ran another thread (µs).
enum { BATCH = 64, DATAGRAM = 4096, POLLS_PER_YIELD = 4, CONTENDED_YIELD_US = 20 };

static struct sockaddr_in client_of_id[65536];
static uint8_t buffers[BATCH][DATAGRAM];
static struct sockaddr_in sources[BATCH];
static struct iovec iovecs[BATCH];
static struct mmsghdr messages[BATCH];

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static struct sockaddr_in endpoint(const char *address, const char *port)
{
    struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
    if (inet_pton(AF_INET, address, &at.sin_addr) != 1) {
        fprintf(stderr, "udp_relay: '%s' is not an IPv4 address\n", address);
        exit(2);
    }
    return at;
}

// Receives what the socket holds, up to one batch, without blocking; returns the count (0 when it was empty).
static int receive_batch(int fd)
{
    for (int i = 0; i < BATCH; i++) {
        iovecs[i] = (struct iovec){ .iov_base = buffers[i], .iov_len = DATAGRAM };
        messages[i].msg_hdr = (struct msghdr){
            .msg_name = &sources[i], .msg_namelen = sizeof sources[i], .msg_iov = &iovecs[i], .msg_iovlen = 1,
        };
    }
    int n = recvmmsg(fd, messages, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) return 0;
        die("recvmmsg");
    }
    return n;
}

// Sends the batch just received. sendmmsg stops at the first datagram the kernel refuses (an answer whose id no client
// asked leaves with no address): that one is dropped, as the network could drop it, and the rest still go.
static void send_batch(int fd, int n)
{
    for (int sent = 0; sent < n;) {
        int r = sendmmsg(fd, messages + sent, (unsigned)(n - sent), 0);
        sent += r > 0 ? r : 1;
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: udp_relay LISTEN_ADDR LISTEN_PORT UPSTREAM_ADDR UPSTREAM_PORT BUSY_POLL_US\n");
        return 2;
    }
    struct sockaddr_in listen_at = endpoint(argv[1], argv[2]), upstream_at = endpoint(argv[3], argv[4]);
    long long busy_poll_us = atoll(argv[5]);
    int clients = socket(AF_INET, SOCK_DGRAM, 0), upstream = socket(AF_INET, SOCK_DGRAM, 0);
    if (clients < 0 || upstream < 0) die("socket");
    if (bind(clients, (struct sockaddr *)&listen_at, sizeof listen_at) < 0) die("bind");
    if (connect(upstream, (struct sockaddr *)&upstream_at, sizeof upstream_at) < 0) die("connect");

    int poller = epoll_create1(0);
    if (poller < 0) die("epoll_create1");
    struct epoll_event watch = { .events = EPOLLIN, .data.fd = clients };
    if (epoll_ctl(poller, EPOLL_CTL_ADD, clients, &watch) < 0) die("epoll_ctl");
    watch.data.fd = upstream;
    if (epoll_ctl(poller, EPOLL_CTL_ADD, upstream, &watch) < 0) die("epoll_ctl");

    for (;;) {
        struct epoll_event ready[2];
        if (epoll_wait(poller, ready, 2, -1) < 0 && errno != EINTR) die("epoll_wait");
        // Move datagrams both ways until both sockets stay empty for the busy-poll budget, then sleep again.
        long long poll_until = now_us() + busy_poll_us;
        for (int moved = 1, polls = 0;;) {
            if (moved) {
                poll_until = now_us() + busy_poll_us;
            } else {
                if (now_us() >= poll_until) break;
                if (++polls == POLLS_PER_YIELD) {
                    polls = 0;
                    long long before = now_us();
                    sched_yield();
                    if (now_us() - before > CONTENDED_YIELD_US) break;
                }
            }
            moved = 0;
            int n = receive_batch(clients);
            if (n > 0) {
                moved = 1;
                for (int i = 0; i < n; i++) {
                    if (messages[i].msg_len >= 2) client_of_id[buffers[i][0] << 8 | buffers[i][1]] = sources[i];
                    iovecs[i].iov_len = messages[i].msg_len;
                    messages[i].msg_hdr.msg_name = NULL;
                    messages[i].msg_hdr.msg_namelen = 0;
                }
                send_batch(upstream, n);
            }
            n = receive_batch(upstream);
            if (n > 0) {
                moved = 1;
                for (int i = 0; i < n; i++) {
                    uint16_t id = messages[i].msg_len >= 2 ? (uint16_t)(buffers[i][0] << 8 | buffers[i][1]) : 0;
                    iovecs[i].iov_len = messages[i].msg_len;
                    messages[i].msg_hdr.msg_name = &client_of_id[id];
                    messages[i].msg_hdr.msg_namelen = sizeof client_of_id[id];
                }
                send_batch(clients, n);
            }
        }
    }
}
