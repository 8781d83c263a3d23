# exolab: lab 5
"""grade/exofs.py: exofs images for the lab 5 tests, read and changed in
Python straight from the layout of user/lib/fs/format.h, not through the
tools under test, so that a wrong mkfs cannot be checked by a fsck that
shares its mistake.  Also runs the tools (run_tool) and damages metadata
for the fuzz test (damage)."""

import os
import random
import struct
import subprocess

BLOCK = 4096
MAGIC = 0x313053464F584500       # "\0EXOFS01"
LOG_MAGIC = 0x474F4C58           # "XLOG"
LOG_MAX = 126
DIRECT = 12
ADDRS = BLOCK // 4
INODE_SIZE = 128
ENTRY_SIZE = 64
NAME_MAX = 59
FREE, FILE, DIRECTORY = 0, 1, 2

SB_FIELDS = ("magic version block_size nblocks ninodes log_start log_blocks bitmap_start bitmap_blocks "
             "inode_start inode_blocks data_start").split()
SB_FORMAT = "<QII9I12x"
# type, nlink, reserved0, size, direct[12], indirect, double_indirect, reserved[14]
INODE_FORMAT = "<HHIQ12III56x"
assert struct.calcsize(SB_FORMAT) == 64 and struct.calcsize(INODE_FORMAT) == INODE_SIZE


def run_tool(path, *args, timeout=10):
    """Runs a host tool; returns (exit status, stdout + stderr)."""
    done = subprocess.run([path, *map(str, args)], capture_output=True, text=True, errors="replace",
                          timeout=timeout)
    return done.returncode, done.stdout + done.stderr


class Image:
    """An exofs image held in memory as a bytearray."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = bytearray(f.read())

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.data)

    def u32(self, offset):
        return struct.unpack_from("<I", self.data, offset)[0]

    def put_u32(self, offset, value):
        struct.pack_into("<I", self.data, offset, value)

    def block(self, b):
        return bytes(self.data[b * BLOCK:(b + 1) * BLOCK])

    @property
    def sb(self):
        return dict(zip(SB_FIELDS, struct.unpack_from(SB_FORMAT, self.data, BLOCK)))

    def set_sb(self, **fields):
        sb = self.sb
        sb.update(fields)
        struct.pack_into(SB_FORMAT, self.data, BLOCK, *(sb[name] for name in SB_FIELDS))

    def inode_offset(self, inum):
        return self.sb["inode_start"] * BLOCK + inum * INODE_SIZE

    def inode(self, inum):
        v = struct.unpack_from(INODE_FORMAT, self.data, self.inode_offset(inum))
        return {"type": v[0], "nlink": v[1], "size": v[3], "direct": list(v[4:16]), "indirect": v[16],
                "double_indirect": v[17]}

    def set_inode(self, inum, **fields):
        i = self.inode(inum)
        i.update(fields)
        struct.pack_into(INODE_FORMAT, self.data, self.inode_offset(inum), i["type"], i["nlink"], 0, i["size"],
                         *i["direct"], i["indirect"], i["double_indirect"])

    def table(self, b):
        return list(struct.unpack_from("<%dI" % ADDRS, self.data, b * BLOCK))

    def block_map(self, inum):
        """(data, meta): the disk block of each file block in order (0 for a
        hole), and the indirect blocks themselves."""
        i = self.inode(inum)
        data, meta = list(i["direct"]), []
        if i["indirect"]:
            meta.append(i["indirect"])
            data += self.table(i["indirect"])
        if i["double_indirect"]:
            meta.append(i["double_indirect"])
            for second in self.table(i["double_indirect"]):
                if second:
                    meta.append(second)
                    data += self.table(second)
        return data, meta

    def read_file(self, inum):
        size = self.inode(inum)["size"]
        data, _ = self.block_map(inum)
        blocks = data[:(size + BLOCK - 1) // BLOCK]
        return b"".join(self.block(b) if b else bytes(BLOCK) for b in blocks)[:size]

    def entries(self, inum):
        """[(offset in the image, inum, name)] of the used entries of directory inum."""
        size = self.inode(inum)["size"]
        data, _ = self.block_map(inum)
        found = []
        for slot in range(size // ENTRY_SIZE):
            offset = data[slot * ENTRY_SIZE // BLOCK] * BLOCK + slot * ENTRY_SIZE % BLOCK
            number = self.u32(offset)
            if number:
                found.append((offset, number, bytes(self.data[offset + 4:offset + 64]).split(b"\0")[0].decode()))
        return found

    def lookup(self, path):
        inum = 1
        for name in filter(None, path.split("/")):
            inum = {n: i for _, i, n in self.entries(inum)}[name]
        return inum

    def set_entry(self, offset, inum, name):
        self.put_u32(offset, inum)
        self.data[offset + 4:offset + 64] = name.encode().ljust(60, b"\0")

    def bit(self, b):
        return self.data[self.sb["bitmap_start"] * BLOCK + b // 8] >> (b % 8) & 1

    def set_bit(self, b, value):
        offset = self.sb["bitmap_start"] * BLOCK + b // 8
        self.data[offset] = self.data[offset] & ~(1 << b % 8) | (value << b % 8)

    def free_block(self):
        """The first data block free in the bitmap."""
        return next(b for b in range(self.sb["data_start"], self.sb["nblocks"]) if not self.bit(b))

    def free_inode(self):
        return next(i for i in range(2, self.sb["ninodes"]) if self.inode(i)["type"] == FREE)

    def commit(self, homes, contents, magic=LOG_MAGIC, count=None):
        """Writes a committed transaction: contents[i] logged for homes[i]."""
        log = self.sb["log_start"]
        for i, block in enumerate(contents):
            self.data[(log + 1 + i) * BLOCK:(log + 2 + i) * BLOCK] = block
        record = struct.pack("<II%dI" % len(homes), magic, len(homes) if count is None else count, *homes)
        self.data[log * BLOCK:log * BLOCK + 512] = record.ljust(512, b"\0")


def metadata_blocks(image):
    """The blocks fsck reads as metadata: superblock, commit record, bitmap,
    inode table, every directory's blocks and every indirect block."""
    sb = image.sb
    blocks = [1, sb["log_start"]] + list(range(sb["bitmap_start"], sb["bitmap_start"] + sb["bitmap_blocks"]))
    blocks += range(sb["inode_start"], sb["inode_start"] + sb["inode_blocks"])
    for inum in range(1, sb["ninodes"]):
        kind = image.inode(inum)["type"]
        if kind in (FILE, DIRECTORY):
            data, meta = image.block_map(inum)
            blocks += meta + ([b for b in data if b] if kind == DIRECTORY else [])
    return sorted(set(blocks))


def damage(block, offset_limit, rng, sb):
    """Changes one spot of bytearray `block`: a bit, a byte, or a 32- or 64-bit
    number (an interesting one: 0, block and inode counts and their edges,
    all ones, or random)."""
    offset = rng.randrange(offset_limit) & ~7
    kind = rng.randrange(4)
    if kind == 0:
        block[offset + rng.randrange(8)] ^= 1 << rng.randrange(8)
    elif kind == 1:
        block[offset + rng.randrange(8)] = rng.randrange(256)
    else:
        interesting = [0, 1, 2, sb["data_start"], sb["nblocks"] - 1, sb["nblocks"], sb["ninodes"] - 1,
                       sb["ninodes"], 0x7FFFFFFF, 0xFFFFFFFF, rng.getrandbits(32)]
        value = rng.choice(interesting) if kind == 2 else rng.getrandbits(64) >> rng.randrange(64)
        width = 4 if kind == 2 else 8
        block[offset + (rng.randrange(2) * 4 if width == 4 else 0):][:width] = value.to_bytes(width, "little")


def make_tree(root, big_size):
    """A host tree for mkfs: nested directories, an empty file, a directory
    of 100 entries (two blocks), and /big of big_size random-looking bytes.
    Returns {path in the image: bytes} of its files."""
    files = {"/a/hi.txt": b"hello\n", "/a/b/c/empty": b"", "/big": random.Random(big_size).randbytes(big_size)}
    files.update({"/many/f%03d" % i: b"%d\n" % i for i in range(100)})
    os.makedirs(os.path.join(root, "d", "e"))
    for path, content in files.items():
        os.makedirs(os.path.dirname(root + path), exist_ok=True)
        with open(root + path, "wb") as f:
            f.write(content)
    return files
