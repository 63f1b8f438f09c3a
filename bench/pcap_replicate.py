#!/usr/bin/env python3
"""Replicate a classic pcap file until it reaches a size, keeping flows apart.

    python3 bench/pcap_replicate.py IN OUT --dut ADDR --min-bytes N

Used by bench/analyze.sh to turn a few MB of real lab traffic into a capture
of hundreds of MB.  The output holds copy 0 (the input as it is) followed by
copies 1, 2, ... until the file is at least N bytes.  In copy k:

* every IPv4 address other than the DUT's (ADDR) is replaced by an address
  of 198.18.0.0/15 (RFC 2544, the benchmarking range), one per original
  address and copy, so each copy's peers are hosts of their own;
* every TCP or UDP port from 32768 up (Linux's ephemeral range, on either
  side) is shifted by k * 1009 within 32768-60999, so the DUT's own client
  ports differ between copies too; service ports stay as they are;
* timestamps are shifted by k times (the input's duration + 1 s), so the
  copies follow one another and the file stays in time order;
* the IPv4 header checksum and the TCP/UDP checksum are updated
  incrementally (RFC 1624) for the changed addresses and ports (a UDP
  checksum of 0, "none", is left alone).

Frames that are not Ethernet/IPv4 (ARP, IPv6, ...) are copied unchanged.
Only the standard library (struct) is used: classic pcap in either byte
order, microsecond or nanosecond timestamps, link type Ethernet (1).
"""
import argparse
import ipaddress
import struct
import sys

EPH_LO, EPH_N, PORT_STEP = 32768, 61000 - 32768, 1009
BENCH_NET = int(ipaddress.IPv4Address("198.18.0.0"))
BENCH_SIZE = 1 << 17  # 198.18.0.0/15


def csum_adjust(csum, pairs):
    """RFC 1624 eqn. 3: the checksum after each 16-bit word old -> new."""
    s = (~csum) & 0xFFFF
    for old, new in pairs:
        s += ((~old) & 0xFFFF) + new
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def words(addr4):
    return (addr4[0] << 8 | addr4[1], addr4[2] << 8 | addr4[3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--dut", required=True, help="IPv4 address kept as it is")
    ap.add_argument("--min-bytes", type=int, required=True)
    a = ap.parse_args()
    dut = ipaddress.IPv4Address(a.dut).packed

    with open(a.inp, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("pcap_replicate: %s is not a classic pcap file" % a.inp)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    tick = 10**9 if nano else 10**6
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    if linktype != 1:
        sys.exit("pcap_replicate: link type %d, only Ethernet (1) is handled" % linktype)
    rec = struct.Struct(e + "IIII")

    # The records, parsed once.
    pkts = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = rec.unpack_from(data, off)
        pkts.append((sec * tick + frac, incl, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    if not pkts:
        sys.exit("pcap_replicate: %s has no packets" % a.inp)
    span = pkts[-1][0] - pkts[0][0] + tick

    # The peers (non-DUT IPv4 addresses), numbered in order of appearance.
    peers = {}
    for _, _, _, fr in pkts:
        if len(fr) >= 34 and fr[12:14] == b"\x08\x00" and fr[14] >> 4 == 4:
            for ad in (fr[26:30], fr[30:34]):
                if ad != dut and ad not in peers:
                    peers[ad] = len(peers)
    if len(peers) * 1 >= BENCH_SIZE:
        sys.exit("pcap_replicate: too many peer addresses")

    def new_port(p, k):
        if p < EPH_LO or p >= EPH_LO + EPH_N:
            return p
        return EPH_LO + (p - EPH_LO + k * PORT_STEP) % EPH_N

    written = 0
    copies = 0
    with open(a.out, "wb") as out:
        out.write(data[:24])
        written = 24
        k = 0
        while written < a.min_bytes or k == 0:
            amap = {}
            for ad, i in peers.items():
                n = BENCH_NET + (k * len(peers) + i) % BENCH_SIZE
                amap[ad] = struct.pack(">I", n) if k else ad
            chunks = []
            for ts, incl, orig, fr in pkts:
                ts += k * span
                if k and len(fr) >= 34 and fr[12:14] == b"\x08\x00" and fr[14] >> 4 == 4:
                    b = bytearray(fr)
                    ihl = (b[14] & 0x0F) * 4
                    src, dst = bytes(b[26:30]), bytes(b[30:34])
                    nsrc, ndst = amap.get(src, src), amap.get(dst, dst)
                    apairs = []
                    if nsrc != src:
                        apairs += list(zip(words(src), words(nsrc)))
                        b[26:30] = nsrc
                    if ndst != dst:
                        apairs += list(zip(words(dst), words(ndst)))
                        b[30:34] = ndst
                    if apairs:
                        hc = struct.unpack_from(">H", b, 24)[0]
                        struct.pack_into(">H", b, 24, csum_adjust(hc, apairs))
                    proto = b[23]
                    frag = struct.unpack_from(">H", b, 20)[0] & 0x1FFF
                    l4 = 14 + ihl
                    if proto in (6, 17) and frag == 0 and len(b) >= l4 + 8:
                        sp, dp = struct.unpack_from(">HH", b, l4)
                        nsp, ndp = new_port(sp, k), new_port(dp, k)
                        pairs = apairs[:]
                        if nsp != sp:
                            pairs.append((sp, nsp))
                        if ndp != dp:
                            pairs.append((dp, ndp))
                        struct.pack_into(">HH", b, l4, nsp, ndp)
                        co = l4 + (16 if proto == 6 else 6)
                        if pairs and len(b) >= co + 2:
                            c = struct.unpack_from(">H", b, co)[0]
                            if proto == 6 or c != 0:
                                c = csum_adjust(c, pairs)
                                if proto == 17 and c == 0:
                                    c = 0xFFFF
                                struct.pack_into(">H", b, co, c)
                    fr = bytes(b)
                chunks.append(rec.pack(ts // tick, ts % tick, incl, orig))
                chunks.append(fr)
            blob = b"".join(chunks)
            out.write(blob)
            written += len(blob)
            k += 1
        copies = k
    print("pcap_replicate: %d packets x %d copies, %d bytes, %d peer address(es) per copy"
          % (len(pkts), copies, written, len(peers)))


if __name__ == "__main__":
    main()
