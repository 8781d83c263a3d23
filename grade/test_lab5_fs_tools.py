# exolab: lab 5
"""Lab 5 (file system): the host tools, tools/mkfs and tools/fsck (provided
code: these tests grade no exercise).

mkfs's images are read back by grade/exofs.py, which follows
user/lib/fs/format.h by itself, and fsck is given images broken by hand, one
way at a time, each of which it must name with its own `fsck: <what>:`
line and exit status 1; images that are not exofs at all must give status
2; and a few hundred images with random bytes in their metadata must never
make it crash, hang or exit with anything but 0, 1 or 2.  The tools are
built by `make` (LAB >= 5) into build/labN/tools/."""

import os
import random
import re
import shutil
import subprocess

import pytest

from lab5 import tools  # noqa: F401 (a fixture)
from exofs import (BLOCK, DIRECTORY, ENTRY_SIZE, FILE, INODE_SIZE, LOG_MAGIC, Image, damage, make_tree,
                   metadata_blocks, run_tool)

BIG = 4 * 1024 * 1024 + 48 * 1024 + 1000   # past the indirect block: two blocks through the double-indirect


def _tree_image(tools, root, big_size, mib):
    """(image path, {path: bytes} of its files, the host tree): mkfs of make_tree's tree."""
    files = make_tree(str(root / "src"), big_size)
    image = str(root / "tree.img")
    status, out = run_tool(tools.mkfs, image, mib, root / "src")
    assert status == 0, "mkfs %s %d DIR exited with %d:\n%s" % (image, mib, status, out)
    return image, files, str(root / "src")


@pytest.fixture(scope="module")
def tree(tools, tmp_path_factory):
    """A 6 MiB image whose /big reaches its double-indirect block."""
    return _tree_image(tools, tmp_path_factory.mktemp("tree"), BIG, 6)


@pytest.fixture(scope="module")
def small_tree(tools, tmp_path_factory):
    """A 2 MiB image of the same tree but a /big of 21 blocks (through its
    indirect block), quicker to copy for each corruption."""
    return _tree_image(tools, tmp_path_factory.mktemp("small"), 20 * BLOCK + 7, 2)


def fsck(tools, image, *flags):
    return run_tool(tools.fsck, *flags, image)


def assert_fsck(tools, image, status, pattern=None, *flags):
    """Runs fsck and checks its status and that a line matches `pattern`."""
    got, out = fsck(tools, image, *flags)
    assert got == status, "fsck %s exited with %d, expected %d; it printed:\n%s" % (image, got, status, out)
    if pattern:
        assert re.search(pattern, out, re.M), "fsck printed no line matching\n  %s\nIt printed:\n%s" % (pattern, out)
    return out


# -- mkfs --------------------------------------------------------------------

@pytest.mark.points(3)
def test_mkfs_empty_image(tools, tmp_path):
    image_path = str(tmp_path / "empty.img")
    status, out = run_tool(tools.mkfs, image_path, 1)
    assert status == 0, "mkfs IMAGE 1 exited with %d:\n%s" % (status, out)
    assert os.path.getsize(image_path) == 1 << 20, "a 1 MiB image must be 1048576 bytes"
    image = Image(image_path)
    sb = image.sb
    expected = {"magic": 0x313053464F584500, "version": 1, "block_size": BLOCK, "nblocks": 256, "log_start": 2,
                "log_blocks": 127, "bitmap_start": 129, "bitmap_blocks": 1, "inode_start": 130}
    assert {k: sb[k] for k in expected} == expected, "superblock %s, expected %s" % (sb, expected)
    assert sb["ninodes"] == sb["inode_blocks"] * BLOCK // INODE_SIZE >= 32
    assert sb["data_start"] == sb["inode_start"] + sb["inode_blocks"]
    root = image.inode(1)
    assert (root["type"], root["nlink"], root["size"]) == (DIRECTORY, 2, 2 * ENTRY_SIZE), "root inode: %s" % root
    assert root["direct"][0] == sb["data_start"], "the root's block should be the first data block"
    assert [(i, n) for _, i, n in image.entries(1)] == [(1, "."), (1, "..")]
    used = [b for b in range(BLOCK * 8) if image.bit(b)]
    assert used == list(range(sb["data_start"] + 1)) + list(range(256, BLOCK * 8)), \
        "the bitmap must mark the metadata blocks, the root's block and the padding past block 255, nothing else"
    assert (image.u32(2 * BLOCK), image.u32(2 * BLOCK + 4)) == (LOG_MAGIC, 0), "commit record: magic, count 0"
    assert_fsck(tools, image_path, 0, r"^fsck: .*: consistent")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["zero", "too_large", "not_a_number", "symlink", "long_name", "too_small",
                                  "few_inodes"])
def test_mkfs_refuses(tools, tmp_path, case):
    src = tmp_path / "src"
    src.mkdir()
    (src / "file").write_bytes(b"x" * 5000)
    size, args, message = 1, [], None
    if case == "zero":
        size, message = 0, r"SIZE_MIB must be a whole number from 1 to 4096, not '0'"
    elif case == "too_large":
        size, message = 4097, r"SIZE_MIB must be a whole number from 1 to 4096"
    elif case == "not_a_number":
        size, message = "12x", r"SIZE_MIB must be a whole number"
    elif case == "symlink":
        os.symlink("file", src / "link")
        message = r"link: a symbolic link; mkfs copies only regular files and directories"
    elif case == "long_name":
        (src / ("n" * 60)).write_bytes(b"")
        message = r"the name is 60 bytes, longer than exofs's 59"
    elif case == "too_small":
        (src / "file").write_bytes(b"x" * (1 << 20))
        message = r"the tree needs \d+ data blocks, but 256 blocks .* give a larger SIZE_MIB"
    elif case == "few_inodes":
        for i in range(40):
            (src / ("f%d" % i)).write_bytes(b"")
        args, message = ["--inodes", 32], r"the tree needs 43 inodes .*--inodes 32 is too few"
    image = tmp_path / "out.img"
    status, out = run_tool(tools.mkfs, *args, image, size, src)
    assert status == 1, "mkfs exited with %d, expected 1 (refused):\n%s" % (status, out)
    assert re.search(r"^mkfs: .*" + message, out, re.M), "expected a line 'mkfs: ... %s', got:\n%s" % (message, out)
    assert not image.exists(), "a refused mkfs must leave no image behind"


@pytest.mark.points(6)
def test_mkfs_tree(tools, tree, tmp_path):
    image_path, files, src = tree
    out = assert_fsck(tools, image_path, 0, r"^fsck: .*: consistent", "-v")
    listed = {}
    for line in out.splitlines():
        if not line.startswith("fsck:"):
            kind, _, size, path = line.split(None, 3)
            listed[path] = (kind, int(size))
    dirs = {"/": 4, "/a": 2, "/a/b": 1, "/a/b/c": 1, "/d": 1, "/d/e": 0, "/many": 100}  # children each
    expected = {path: ("dir", (2 + n) * ENTRY_SIZE) for path, n in dirs.items()}
    expected.update({path: ("file", len(content)) for path, content in files.items()})
    wrong = sorted(path for path in set(listed) | set(expected) if listed.get(path) != expected.get(path))
    assert not wrong, "fsck -v: (kind, size) listed and expected:\n" + "\n".join(
        "  %s: %s, %s" % (path, listed.get(path), expected.get(path)) for path in wrong)
    image = Image(image_path)
    big = image.lookup("/big")
    assert image.inode(big)["double_indirect"] != 0, "/big (%d bytes) must reach its double-indirect block" % BIG
    for path, content in files.items():
        assert image.read_file(image.lookup(path)) == content, "%s read back differs from the host file" % path
    again = str(tmp_path / "again.img")
    assert run_tool(tools.mkfs, again, 6, src)[0] == 0
    with open(image_path, "rb") as a, open(again, "rb") as b:
        assert a.read() == b.read(), "mkfs of the same tree twice gave different images"


# -- fsck: one corruption at a time -------------------------------------------

def _slot_after_last(image, dir_inum):
    """Grows directory dir_inum by one entry; returns the new slot's offset."""
    inode = image.inode(dir_inum)
    image.set_inode(dir_inum, size=inode["size"] + ENTRY_SIZE)
    return inode["direct"][0] * BLOCK + inode["size"]


def _entry(image, dir_path, name):
    return next(offset for offset, _, n in image.entries(image.lookup(dir_path)) if n == name)


def owned_twice(image):
    hi, f000 = image.lookup("/a/hi.txt"), image.lookup("/many/f000")
    b = image.inode(hi)["direct"][0]
    image.set_inode(f000, direct=[b] + [0] * 11)
    first, second = sorted((hi, f000))
    return r"block owned twice: block %d is named by inode %d \(file block 0\) and by inode %d \(file block 0\)" % (
        b, first, second)


def bitmap_cleared(image):
    hi = image.lookup("/a/hi.txt")
    b = image.inode(hi)["direct"][0]
    image.set_bit(b, 0)
    return r"used block free in bitmap: block %d is named by inode %d \(file block 0\), but free" % (b, hi)


def leaked(image):
    b = image.free_block()
    image.set_bit(b, 1)
    return r"leaked block: block %d marked in use in the bitmap, but no inode names it" % b


def link_count(image):
    hi = image.lookup("/a/hi.txt")
    image.set_inode(hi, nlink=3)
    return r"link count: /a/hi.txt \(inode %d\): nlink is 3, but 1 entries name it" % hi


def dir_link_count(image):
    a = image.lookup("/a")
    image.set_inode(a, nlink=2)
    return r"link count: /a \(inode %d\): nlink is 2, but 3 entries name it" % a


def dangling_entry(image):
    free = image.free_inode()
    image.put_u32(_entry(image, "/a", "hi.txt"), free)
    return r"dangling entry: /a/hi.txt names inode %d, which is not in use" % free


def unreachable_inode(image):
    free = image.free_inode()
    image.set_inode(free, type=FILE, nlink=1, size=0)
    return r"unreachable inode: inode %d \(file, 0 bytes, nlink 1\) is in use, but no directory" % free


def bad_dotdot(image):
    image.put_u32(_entry(image, "/a/b", ".."), 1)
    return r"bad '\.\.': /a/b \(inode %d\): '\.\.' names inode 1, not %d" % (image.lookup("/a/b"),
                                                                             image.lookup("/a"))


def missing_dot(image):
    image.put_u32(_entry(image, "/d", "."), 0)
    return r"missing '\.': /d \(inode %d\) has no '\.' entry" % image.lookup("/d")


def directory_cycle(image):
    a = image.lookup("/a")
    image.set_entry(_slot_after_last(image, image.lookup("/a/b/c")), a, "loop")
    return r"directory cycle: /a/b/c/loop names inode %d, the directory /a that holds it" % a


def directory_linked_twice(image):
    b = image.lookup("/a/b")
    image.set_entry(_slot_after_last(image, image.lookup("/d")), b, "again")
    return r"directory linked twice: /d/again names directory inode %d, already reached as /a/b" % b


def size_past_map(image):
    big = image.lookup("/big")
    image.set_inode(big, size=3 * BLOCK)
    b = image.inode(big)["direct"][3]
    return r"block past the size: inode %d \(file block 3\) names block %d, past its size of 12288 bytes" % (big, b)


def outside_data(image):
    hi = image.lookup("/a/hi.txt")
    image.set_inode(hi, direct=[1] + [0] * 11)
    return r"block outside the data region: inode %d \(file block 0\) names block 1, outside" % hi


def bad_name(image):
    image.set_entry(_entry(image, "/a", "hi.txt"), image.lookup("/a/hi.txt"), "x/y")
    return r"bad name: /a/x/y \(inode \d+\): a '/' in the name"


def duplicate_name(image):
    image.set_entry(_entry(image, "/many", "f001"), image.lookup("/many/f001"), "f000")
    return r"duplicate name: /many \(inode %d\) has two entries named 'f000'" % image.lookup("/many")


def directory_size(image):
    a = image.lookup("/a")
    image.set_inode(a, size=200)
    return r"directory size: /a \(inode %d\) has size 200, not a multiple of 64" % a


def bad_type(image):
    hi = image.lookup("/a/hi.txt")
    image.set_inode(hi, type=7)
    return r"bad inode type: inode %d has type 7" % hi


def metadata_free(image):
    b = image.sb["inode_start"]
    image.set_bit(b, 0)
    return r"metadata free in bitmap: block %d before the data region, but free in the bitmap" % b


def bitmap_padding(image):
    image.set_bit(image.sb["nblocks"] + 5, 0)
    return r"bitmap padding: 1 bits past the last block \(%d\) are clear" % (image.sb["nblocks"] - 1)


CORRUPTIONS = [owned_twice, bitmap_cleared, leaked, link_count, dir_link_count, dangling_entry, unreachable_inode,
               bad_dotdot, missing_dot, directory_cycle, directory_linked_twice, size_past_map, outside_data,
               bad_name, duplicate_name, directory_size, bad_type, metadata_free, bitmap_padding]


@pytest.mark.points(1)
@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__)
def test_fsck_finds(tools, small_tree, tmp_path, corrupt):
    image = Image(small_tree[0])
    pattern = corrupt(image)
    path = str(tmp_path / "broken.img")
    image.save(path)
    out = assert_fsck(tools, path, 1, r"^fsck: " + pattern)
    assert re.search(r"^fsck: .*: \d+ problems, \d+ blocks leaked$", out.splitlines()[-1]), \
        "the last line must sum up, not:\n%s" % out.splitlines()[-1]


# -- fsck: the log --------------------------------------------------------------

@pytest.mark.points(4)
def test_fsck_replays_the_log(tools, small_tree, tmp_path):
    """A committed transaction whose blocks are not home yet: fsck checks the
    image as replay leaves it (-n: as it is on the disk)."""
    image = Image(small_tree[0])
    hi = image.lookup("/a/hi.txt")
    home = image.inode_offset(hi) // BLOCK
    good = image.block(home)
    image.set_inode(hi, nlink=5)
    bad = image.block(home)
    image.commit([home], [good])                 # home holds the bad block, the log the good one
    path = str(tmp_path / "log.img")
    image.save(path)
    replayed = r"^fsck: log: replayed 1 committed blocks in memory"
    out = assert_fsck(tools, path, 0, replayed)
    assert len(re.findall(r"^fsck: log:", out, re.M)) == 1, "fsck must say once that it replayed:\n" + out
    assert_fsck(tools, path, 1, r"^fsck: link count: /a/hi.txt \(inode %d\): nlink is 5" % hi, "-n")
    image.data[home * BLOCK:(home + 1) * BLOCK] = good
    image.commit([home], [bad])                  # now the log holds the bad block
    image.save(path)
    out = assert_fsck(tools, path, 1, r"^fsck: link count: /a/hi.txt \(inode %d\): nlink is 5" % hi)
    assert re.search(replayed, out, re.M), "fsck must say it replayed the log:\n" + out


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["magic", "count", "home_in_log", "home_outside", "home_zero", "home_superblock"])
def test_fsck_rejects_commit_record(tools, small_tree, tmp_path, case):
    image = Image(small_tree[0])
    sb = image.sb
    some_block = image.block(sb["inode_start"])
    homes, kwargs = [sb["inode_start"]], {}
    expected = {
        "magic": r"bad magic 0x12345678, not 0x474f4c58",
        "count": r"count 127 is more than the log's 126 blocks",
        "home_in_log": r"home\[0\] is block %d, not past the log" % (sb["log_start"] + 1),
        "home_outside": r"home\[0\] is block %d, outside the disk" % sb["nblocks"],
        "home_zero": r"home\[0\] is block 0, not past the log",
        "home_superblock": r"home\[0\] is block 1, not past the log",
    }[case]
    if case == "magic":
        kwargs["magic"] = 0x12345678
    elif case == "count":
        kwargs["count"] = 127
    else:
        homes = [{"home_in_log": sb["log_start"] + 1, "home_outside": sb["nblocks"], "home_zero": 0,
                  "home_superblock": 1}[case]]
    image.commit(homes, [some_block], **kwargs)
    path = str(tmp_path / "record.img")
    image.save(path)
    out = assert_fsck(tools, path, 1, r"^fsck: commit record: " + expected + r".*; the log is not replayed$")
    assert "replayed 1" not in out, "an invalid commit record must not be replayed:\n" + out


# -- fsck: images that are not exofs ---------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["missing", "empty", "1000_bytes", "wrong_magic", "random", "truncated",
                                  "bad_layout", "version"])
def test_fsck_unusable_image(tools, small_tree, tmp_path, case):
    path = str(tmp_path / "bad.img")
    image = Image(small_tree[0])
    expected = {
        "missing": r"cannot open: No such file or directory",
        "empty": r"not an exofs image: 0 bytes, too short to hold the superblock",
        "1000_bytes": r"not an exofs image: 1000 bytes, too short",
        "wrong_magic": r"not an exofs image: bad magic 0x3130534646584500",
        "random": r"not an exofs image: bad magic",
        "truncated": r"truncated: the superblock says %d blocks" % image.sb["nblocks"],
        "bad_layout": r"unusable superblock: the inode table at blocks .* overlaps the bitmap",
        "version": r"unusable superblock: version 2, expected 1",
    }[case]
    data = {
        "missing": None,
        "empty": b"",
        "1000_bytes": bytes(1000),
        "random": random.Random(5).randbytes(1 << 16),
        "truncated": bytes(image.data[:len(image.data) // 2]),
    }.get(case, image.data)
    if case == "wrong_magic":
        image.data[BLOCK + 3] ^= 0x09              # "\0EXOFS01" -> "\0EXFFS01"
    elif case == "bad_layout":
        image.set_sb(inode_start=image.sb["bitmap_start"])
    elif case == "version":
        image.set_sb(version=2)
    if data is not None:
        with open(path, "wb") as f:
            f.write(data)
    assert_fsck(tools, path, 2, r"^fsck: %s: %s" % (re.escape(path), expected))


# -- fsck: random damage ---------------------------------------------------------

FUZZ_ROUNDS = 200


@pytest.mark.points(6)
def test_fsck_survives_fuzzing(tools, tree, tmp_path):
    """Random damage to the metadata (superblock, commit record, bitmap,
    inode table, directory and indirect blocks), a few blocks at a time, the
    same seeds every run: fsck must always end by itself with 0, 1 or 2."""
    image = Image(tree[0])
    sb = image.sb
    targets = metadata_blocks(image)
    limits = {1: 64, sb["log_start"]: 512}         # the superblock's and the commit record's bytes
    path = str(tmp_path / "fuzz.img")
    image.save(path)
    statuses = {0: 0, 1: 0, 2: 0}
    with open(path, "r+b") as f:
        for round_ in range(FUZZ_ROUNDS):
            rng = random.Random(round_)
            changed = {}
            for _ in range(rng.randint(1, 6)):
                b = rng.choice(targets)
                changed.setdefault(b, bytearray(image.block(b)))
                damage(changed[b], limits.get(b, BLOCK), rng, sb)
            for b, content in changed.items():
                f.seek(b * BLOCK)
                f.write(content)
            f.flush()
            flags = rng.choice([[], [], ["-v"], ["-n"]])
            try:
                status, out = run_tool(tools.fsck, *flags, path, timeout=10)
            except subprocess.TimeoutExpired:
                status, out = "a hang (10 s)", ""
            if status not in statuses or not out.endswith("\n") or re.search(r"Sanitizer|terminate|Traceback", out):
                kept = str(tmp_path / ("fuzz-%d.img" % round_))
                shutil.copy(path, kept)
                pytest.fail("round %d (blocks %s, flags %s): fsck ended with %s; image kept as %s; it printed:\n%s"
                            % (round_, sorted(changed), flags, status, kept, out[-3000:]), pytrace=False)
            last = out.splitlines()[-1]
            assert re.match(r"fsck: ", last), "round %d: fsck's last line is not a summary: %r" % (round_, last)
            statuses[status] += 1
            for b in changed:
                f.seek(b * BLOCK)
                f.write(image.block(b))
    assert statuses[1] and statuses[2], "the damage should give both problems and unusable images: %s" % statuses
