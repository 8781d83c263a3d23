# exolab: lab 5
"""Helpers shared by the lab 5 tests (grade/test_lab5_*.py): disk images.

QEMU's IDE disk is the master of the primary channel (ports 0x1F0-0x1F7,
0x3F6), where the libOS's ATA driver looks for it; the ISO is the
secondary channel's CD-ROM."""

SECTOR = 512


def disk_args(image):
    """QEMU arguments that attach the raw file `image` as the IDE disk."""
    return ("-drive", "file=%s,format=raw,if=ide,index=0,media=disk" % image)


def patterned_image(path, sectors):
    """Writes a raw image of `sectors` sectors, sector n starting with the
    text "sector <n>" (NUL, then zeros); returns its path as a string."""
    with open(path, "wb") as f:
        for n in range(sectors):
            text = b"sector %d" % n
            f.write(text + bytes(SECTOR - len(text)))
    return str(path)


def sector_text(image, n):
    """The text at the start of sector n of `image` (up to the first NUL)."""
    with open(image, "rb") as f:
        f.seek(n * SECTOR)
        return f.read(SECTOR).split(b"\0", 1)[0].decode("ascii", "replace")
