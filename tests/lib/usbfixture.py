#!/usr/bin/env python3
"""USB device trees for umockdev: the devices a counter PC meets, as umockdev-record would
write them (P: sysfs path, E: udev property, A: attribute, H: binary attribute in hex,
N: device node). Each scenario gets its own port on one root hub.

    usbfixture.py stick printer ...     the named scenarios, in one testbed file
    usbfixture.py --many 64             64 assorted devices (the benchmark's testbed)
    usbfixture.py --list                the scenario names
    usbfixture.py --root                the root hub alone
    usbfixture.py --at 1-4 stick        one scenario at a given port, without the root hub
                                        (to be plugged into a running testbed)
"""
import sys

ROOT = "/devices/pci0000:00/0000:00:14.0/usb1"


def block(path, props=None, attrs=None, hexattrs=None, node=None, links=None):
    lines = [f"P: {path}"]
    if node:
        lines.append(f"N: {node}")
    for k, v in (links or {}).items():
        lines.append(f"L: {k}={v}")
    for k, v in (props or {}).items():
        lines.append(f"E: {k}={v}")
    for k, v in (attrs or {}).items():
        lines.append(f"A: {k}={v}")
    for k, v in (hexattrs or {}).items():
        lines.append(f"H: {k}={v.hex()}")
    return "\n".join(lines) + "\n"


class Dev:
    """A usb_device at `port` ("1-3" or "1-3.2") with interfaces and children."""

    def __init__(self, port, vid, pid, manufacturer=None, product=None, serial=None,
                 dev_class="00", props=None, hexattrs=None, speed="480"):
        self.port = port
        self.path = ROOT + "/" + "/".join(self._chain(port))
        self.busnum, self.devnum = 1, Dev.devnum_of(port)
        attrs = {"idVendor": vid, "idProduct": pid, "bDeviceClass": dev_class,
                 "busnum": str(self.busnum), "devnum": str(self.devnum), "speed": speed,
                 "version": " 2.00", "bDeviceSubClass": "00", "bDeviceProtocol": "00",
                 "bMaxPacketSize0": "64", "bNumConfigurations": "1", "bcdDevice": "0100",
                 "bConfigurationValue": "1", "bmAttributes": "80", "bMaxPower": "100mA",
                 "maxchild": "4" if dev_class == "09" else "0", "removable": "removable",
                 "authorized": "1"}  # what the policy's block mode writes
        for k, v in (("manufacturer", manufacturer), ("product", product), ("serial", serial)):
            if v is not None:
                attrs[k] = v
        p = {"DEVTYPE": "usb_device", "SUBSYSTEM": "usb", "DRIVER": "usb",
             "DEVNAME": f"/dev/bus/usb/001/{self.devnum:03d}", "ID_VENDOR_ID": vid,
             "ID_MODEL_ID": pid}
        p.update(props or {})
        self.blocks = [block(self.path, p, attrs, hexattrs, f"bus/usb/001/{self.devnum:03d}")]
        self.n_if = 0

    @staticmethod
    def devnum_of(port):
        # unique per port, whichever file the device is written to: 1-7 -> 8, 1-7.2 -> 208
        parts = port.split("-")[1].split(".")
        n = int(parts[0]) + 1
        for level, sub in enumerate(parts[1:], 1):
            n += int(sub) * 100 ** level
        return n

    @staticmethod
    def _chain(port):
        # "1-3.2" lives under "1-3": /usb1/1-3/1-3.2
        parts = port.split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]

    def interface(self, cls, sub="00", proto="00", label=None, driver=None):
        path = f"{self.path}/{self.port}:1.{self.n_if}"
        attrs = {"bInterfaceClass": cls, "bInterfaceSubClass": sub, "bInterfaceProtocol": proto,
                 "bInterfaceNumber": f"{self.n_if:02x}", "bAlternateSetting": " 0",
                 "bNumEndpoints": "02", "authorized": "1"}
        if label:
            attrs["interface"] = label
        props = {"DEVTYPE": "usb_interface", "SUBSYSTEM": "usb"}
        links = None
        if driver:
            props["DRIVER"] = driver
            # the driver link, as umockdev-record keeps it: libudev reads the driver there
            links = {"driver": "../" * path.count("/") + f"bus/usb/drivers/{driver}"}
        self.blocks.append(block(path, props, attrs, links=links))
        self.n_if += 1
        return path

    def disk_name(self):
        # sdb for the device at 1-1, sdc at 1-2...: unique per port, like the kernel's
        n, name = self.devnum, ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            name = chr(ord("a") + r) + name
        return "sd" + name

    def disk(self, intf, sectors, vendor, model, serial, parts=(), fs=None):
        name = self.disk_name()
        host = f"{intf}/host{self.devnum}/target{self.devnum}:0:0/{self.devnum}:0:0:0"
        self.blocks.append(block(host, {"SUBSYSTEM": "scsi", "DEVTYPE": "scsi_device"},
                                 {"vendor": vendor.ljust(8), "model": model.ljust(16)}))
        path = f"{host}/block/{name}"
        props = {"DEVTYPE": "disk", "SUBSYSTEM": "block", "DEVNAME": f"/dev/{name}",
                 "ID_VENDOR": vendor.replace(" ", "_"), "ID_MODEL": model.replace(" ", "_"),
                 "ID_MODEL_ENC": model.replace(" ", "\\x20"), "ID_SERIAL_SHORT": serial}
        if fs:
            props.update({"ID_FS_TYPE": fs[0], "ID_FS_LABEL": fs[1]})
        self.blocks.append(block(path, props, {"size": str(sectors), "removable": "1"},
                                 node=name))
        for i, (psize, fstype, label) in enumerate(parts, 1):
            self.blocks.append(block(f"{path}/{name}{i}",
                                     {"DEVTYPE": "partition", "SUBSYSTEM": "block",
                                      "DEVNAME": f"/dev/{name}{i}", "ID_FS_TYPE": fstype,
                                      "ID_FS_LABEL": label, "ID_FS_UUID": f"{i:04X}-CAFE"},
                                     {"size": str(psize), "partition": str(i)},
                                     node=f"{name}{i}"))

    def child(self, intf, subpath, props, node=None):
        self.blocks.append(block(f"{intf}/{subpath}", props, {}, node=node))

    def text(self):
        # the active configuration's interface count, as the kernel reports it
        first, rest = self.blocks[0], self.blocks[1:]
        first = first.rstrip("\n") + f"\nA: bNumInterfaces={self.n_if:2d}\n"
        return "\n".join([first] + rest)


def root_hub():
    return root_hub_device() + "\n" + block(
        ROOT + "/1-0:1.0", {"DEVTYPE": "usb_interface", "SUBSYSTEM": "usb", "DRIVER": "hub"},
        {"bInterfaceClass": "09", "bInterfaceSubClass": "00", "bInterfaceProtocol": "00",
         "bInterfaceNumber": "00", "bAlternateSetting": " 0", "bNumEndpoints": "01"})


def root_hub_device():
    return block(ROOT, {"DEVTYPE": "usb_device", "SUBSYSTEM": "usb", "DRIVER": "usb"},
                 {"idVendor": "1d6b", "idProduct": "0002", "bDeviceClass": "09",
                  "manufacturer": "Linux 6.1.0 ehci_hcd", "product": "EHCI Host Controller",
                  "busnum": "1", "devnum": "1", "speed": "480", "version": " 2.00",
                  "bDeviceSubClass": "00", "bDeviceProtocol": "00", "bMaxPacketSize0": "64",
                  "bNumConfigurations": "1", "bcdDevice": "0601", "bConfigurationValue": "1",
                  "bmAttributes": "e0", "bMaxPower": "0mA", "maxchild": "64",
                  "bNumInterfaces": " 1"})


# --- scenarios: each takes a port and returns its devices ---

def stick(port):
    d = Dev(port, "0781", "5567", "SanDisk", "Cruzer Blade", "4C530001230415116241")
    i = d.interface("08", "06", "50", driver="usb-storage")
    d.disk(i, 30031872, "SanDisk", "Cruzer Blade", "4C530001230415116241",
           parts=[(30029824, "vfat", "HOSO_2026")])
    return [d]


def disk(port):
    d = Dev(port, "1058", "25a2", "Western Digital", "Elements 25A2", "575834314133394C",
            speed="5000")
    i = d.interface("08", "06", "62", driver="uas")
    d.disk(i, 1953458176, "WD", "Elements 25A2", "575834314133394C",
           parts=[(1953456128, "ntfs", "Backup Mot Cua")])
    return [d]


def printer(port):
    d = Dev(port, "03f0", "002a", "HP", "LaserJet P1102", "000000000Q8C2A1YSI1c")
    i = d.interface("07", "01", "02", driver="usblp")
    lp = f"lp{d.devnum}"
    d.child(i, f"usbmisc/{lp}", {"SUBSYSTEM": "usbmisc", "DEVNAME": f"/dev/usb/{lp}"},
            node=f"usb/{lp}")
    return [d]


def scanner(port):
    d = Dev(port, "04a9", "1905", "Canon", "CanoScan LiDE 200", None,
            props={"libsane_matched": "yes"})
    d.interface("ff", "ff", "ff")
    return [d]


def mfp(port):
    d = Dev(port, "04b8", "1128", "EPSON", "L3150 Series", "58344B3033303637",
            props={"libsane_matched": "yes"})
    d.interface("ff", "ff", "ff")  # the scanner, vendor specific
    i = d.interface("07", "01", "02", driver="usblp")
    lp = f"lp{d.devnum}"
    d.child(i, f"usbmisc/{lp}", {"SUBSYSTEM": "usbmisc", "DEVNAME": f"/dev/usb/{lp}"},
            node=f"usb/{lp}")
    i = d.interface("08", "06", "50", driver="usb-storage")  # its card slot
    d.disk(i, 0, "EPSON", "Storage", "58344B3033303637")
    return [d]


def token(port):
    # a digital-signature token of the kind the Government Cipher Committee issues: CCID
    d = Dev(port, "096e", "0608", "Feitian", "BCY USB Token", "2C7B1A0F0E3D", speed="12")
    d.interface("0b", "00", "00")
    return [d]


def hub_keyboard_mouse(port):
    h = Dev(port, "05e3", "0608", None, "USB2.0 Hub", None, dev_class="09")
    h.interface("09", "00", "00", driver="hub")
    k = Dev(port + ".1", "046d", "c31c", "Logitech", "USB Keyboard", None, speed="1.5")
    k.interface("03", "01", "01", driver="usbhid")
    k.interface("03", "00", "00", driver="usbhid")
    m = Dev(port + ".2", "046d", "c077", "Logitech", "USB Optical Mouse", None, speed="1.5")
    m.interface("03", "01", "02", driver="usbhid")
    return [h, k, m]


def hub(port):
    h = Dev(port, "1a40", "0101", None, "USB 2.0 Hub [MTT]", None, dev_class="09")
    h.interface("09", "00", "00", driver="hub")
    return [h]


def phone(port):
    d = Dev(port, "04e8", "6860", "SAMSUNG", "SAMSUNG_Android", "R58M12ABCDE",
            props={"ID_MTP_DEVICE": "1"})
    d.interface("06", "01", "01", label="MTP")
    d.interface("ff", "42", "01", label="ADB Interface")
    return [d]


def netadapter(port):
    d = Dev(port, "0b95", "1790", "ASIX Elec. Corp.", "AX88179", "0000249B1F3B4C",
            speed="5000")
    i = d.interface("ff", "ff", "00", driver="ax88179_178a")
    ifname = f"enx00249b1f{d.devnum:04x}"
    d.child(i, f"net/{ifname}", {"SUBSYSTEM": "net", "INTERFACE": ifname})
    return [d]


def noserial(port):
    d = Dev(port, "1a86", "7523", None, "USB Serial", None, speed="12")
    d.interface("ff", "01", "02", driver="ch341")
    return [d]


def bluetooth(port):
    d = Dev(port, "0a12", "0001", None, "CSR8510 A10", None, dev_class="e0", speed="12")
    i = d.interface("e0", "01", "01", driver="btusb")
    d.interface("e0", "01", "01", driver="btusb")
    d.child(i, "bluetooth/hci0", {"SUBSYSTEM": "bluetooth", "DEVTYPE": "host"})
    return [d]


def webcam(port):
    d = Dev(port, "046d", "0825", None, "C270 HD WEBCAM", "A1B2C3D4", dev_class="ef")
    i = d.interface("0e", "01", "00", driver="uvcvideo")
    d.interface("0e", "02", "00", driver="uvcvideo")
    d.interface("01", "01", "00", driver="snd-usb-audio")
    d.interface("01", "02", "00", driver="snd-usb-audio")
    d.child(i, f"video4linux/video{d.devnum}", {"SUBSYSTEM": "video4linux",
                                               "DEVNAME": f"/dev/video{d.devnum}"})
    return [d]


def serial(port):
    d = Dev(port, "0403", "6001", "FTDI", "FT232R USB UART", "A50285BI", speed="12")
    i = d.interface("ff", "ff", "ff", driver="ftdi_sio")
    tty = f"ttyUSB{d.devnum}"
    d.child(i, tty, {"SUBSYSTEM": "usb-serial"})
    d.child(i, f"{tty}/tty/{tty}", {"SUBSYSTEM": "tty", "DEVNAME": f"/dev/{tty}"})
    return [d]


def wifi(port):
    d = Dev(port, "0bda", "8179", "Realtek", "802.11n NIC", "00E04C000001")
    i = d.interface("ff", "ff", "ff", driver="r8188eu")
    d.child(i, f"net/wlx00e04c{d.devnum:06x}", {"SUBSYSTEM": "net", "DEVTYPE": "wlan",
                                                "INTERFACE": f"wlx00e04c{d.devnum:06x}"})
    return [d]


def unbound_printer(port):
    # no interface nodes (no configuration set): udev's usb_id still saw its interfaces
    d = Dev(port, "04f9", "0042", "Brother", "HL-2030 series", "L5J123456",
            props={"ID_USB_INTERFACES": ":070102:"})
    return [d]


def unbound_token(port):
    # no interface nodes and no udev property: the descriptors the kernel read
    dev = bytes([18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x6e, 0x09, 0x08, 0x06, 0, 1, 1, 2, 3, 1])
    intf = bytes([9, 4, 0, 0, 2, 0x0b, 0, 0, 0])
    ep = bytes([7, 5, 0x81, 2, 64, 0, 0]) + bytes([7, 5, 0x02, 2, 64, 0, 0])
    body = intf + ep
    conf = bytes([9, 2, 9 + len(body), 0, 1, 1, 0, 0x80, 50])
    d = Dev(port, "096e", "0608", "Feitian", "ePass2003", "0F2C8E1D",
            hexattrs={"descriptors": dev + conf + body}, speed="12")
    return [d]


def vendor(port):
    # vendor specific, nothing bound: its kind cannot be told
    d = Dev(port, "1234", "5678", None, "Gadget", None)
    d.interface("ff", "00", "00")
    return [d]


def hostile(port):
    long_text = ("A" * 4090) + "END"
    d = Dev(port, "dead", "beef", None, None, None,
            hexattrs={
                # invalid UTF-8, a lone continuation byte, an overlong '/', quotes, a script
                "manufacturer": b'Evil \xff\xfe "Corp" \x80 \xc0\xaf <script>alert(1)</script>',
                # control characters: ESC sequences, NUL-free, bell, backspace, newline
                "product": b"Prod\x1b[31mRED\x1b[0m\x07\x08\nline2\tTab\x7f",
                "serial": long_text.encode(),
            })
    d.interface("ff", "00", "00", label="<b>iface</b> \"q\" 'q'")
    return [d]


SCENARIOS = {
    "stick": stick, "disk": disk, "printer": printer, "scanner": scanner, "mfp": mfp,
    "token": token, "hub_keyboard_mouse": hub_keyboard_mouse, "hub": hub, "phone": phone,
    "netadapter": netadapter, "noserial": noserial, "hostile": hostile,
    "bluetooth": bluetooth, "webcam": webcam, "serial": serial, "wifi": wifi,
    "unbound_printer": unbound_printer, "unbound_token": unbound_token, "vendor": vendor,
}


def testbed(names, with_root=True):
    out = [root_hub()] if with_root else []
    for n, name in enumerate(names, 1):
        for d in SCENARIOS[name](f"1-{n}"):
            out.append(d.text())
    return "\n".join(out)


def many(count):
    """count assorted devices, cycling through the ordinary scenarios, each on its own port."""
    ordinary = ["stick", "disk", "printer", "scanner", "mfp", "token", "phone", "netadapter",
                "noserial"]
    out, made, port = [root_hub()], 0, 1
    while made < count:
        name = ordinary[(port - 1) % len(ordinary)]
        for d in SCENARIOS[name](f"1-{port}"):
            out.append(d.text())
            made += 1
        port += 1
    return "\n".join(out)


def main(argv):
    if argv[:1] == ["--list"]:
        print("\n".join(SCENARIOS))
        return 0
    if argv[:1] == ["--root"]:
        sys.stdout.write(root_hub())
        return 0
    if argv[:1] == ["--at"] and len(argv) == 3 and argv[2] in SCENARIOS:
        sys.stdout.write("\n".join(d.text() for d in SCENARIOS[argv[2]](argv[1])))
        return 0
    if argv[:1] == ["--many"] and len(argv) == 2:
        sys.stdout.write(many(int(argv[1])))
        return 0
    bad = [a for a in argv if a not in SCENARIOS]
    if not argv or bad:
        sys.stderr.write(__doc__ + f"\nunknown scenario: {' '.join(bad)}\n")
        return 2
    sys.stdout.write(testbed(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
