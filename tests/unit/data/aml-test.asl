/*
 * Hand-written DSDT for tests/unit/test_aml.c: a host bridge whose _PRT
 * (APIC mode only) uses every kind of Source, link devices with each
 * resource descriptor form, and methods that exercise the interpreter.
 * Compile with: iasl -of -p aml-test aml-test.asl (the .aml is committed).
 */
DefinitionBlock ("", "DSDT", 2, "RUMP", "AMLTEST", 1)
{
    External (\_SB.NOPE, DeviceObj)
    Name (PICM, Zero)
    Method (_PIC, 1, NotSerialized)
    {
        PICM = Arg0
    }

    OperationRegion (IOR, SystemIO, 0x80, 0x04)
    Field (IOR, ByteAcc, NoLock, Preserve)
    {
        IO80,   8,
        IO81,   8,
            ,   4,
        NIB,    4
    }

    OperationRegion (MEMR, SystemMemory, 0x1000, 0x10)
    Field (MEMR, DWordAcc, NoLock, Preserve)
    {
        M0,     32,
        M1,     16,
            ,   8,
        M2,     8
    }

    OperationRegion (IDXR, SystemIO, 0x90, 0x02)
    Field (IDXR, ByteAcc, NoLock, Preserve)
    {
        IDX,    8,
        DAT,    8
    }

    IndexField (IDX, DAT, ByteAcc, NoLock, Preserve)
    {
        Offset (0x10),
        IF10,   8,
        IF11,   8
    }

    Name (PKG1, Package (0x03) { 0x11, "abc", Buffer (0x02) { 0x01, 0x02 } })
    Name (CNT, Zero)
    Alias (CNT, CNTA)
    Mutex (MUT0, 0x00)

    Scope (_SB)
    {
        /* 0 if every check passes, else the bit of the first failure. */
        Method (CALC, 2, Serialized)
        {
            Name (BUF0, Buffer (0x08) { 0x10, 0x32, 0x54, 0x76 })
            CreateByteField (BUF0, 0x01, BYT1)
            CreateWordField (BUF0, 0x02, WRD1)
            CreateDWordField (BUF0, 0x04, DWD1)
            Local0 = Zero
            If (((Arg0 + Arg1) != 0x07)) { Local0 |= 0x01 }
            If (((Arg1 - Arg0) != One)) { Local0 |= 0x02 }
            If (((Arg0 * Arg1) != 0x0C)) { Local0 |= 0x04 }
            Divide (0x64, 0x07, Local1, Local2)
            If (((Local1 != 0x02) || (Local2 != 0x0E))) { Local0 |= 0x08 }
            If (((0x64 % 0x07) != 0x02)) { Local0 |= 0x10 }
            If ((((One << 0x05) | (0x80 >> 0x03)) != 0x30)) { Local0 |= 0x20 }
            If ((((0xF0 & 0x3C) ^ 0xFF) != 0xCF)) { Local0 |= 0x40 }
            If (((~Zero & 0xFF) != 0xFF)) { Local0 |= 0x80 }
            Local3 = Zero
            While (One)
            {
                Local3++
                If ((Local3 >= 0x0A)) { Break }
            }
            Local3--
            If ((Local3 != 0x09)) { Local0 |= 0x0100 }
            If (!((Arg0 < Arg1) && (Arg1 > Arg0))) { Local0 |= 0x0200 }
            If ((DerefOf (PKG1 [Zero]) != 0x11)) { Local0 |= 0x0400 }
            If ((SizeOf (PKG1) != 0x03)) { Local0 |= 0x0800 }
            If (((BYT1 != 0x32) || (WRD1 != 0x7654) || (DWD1 != Zero))) { Local0 |= 0x1000 }
            DWD1 = 0xAABBCCDD
            If ((DerefOf (BUF0 [0x07]) != 0xAA)) { Local0 |= 0x2000 }
            If ((DerefOf (PKG1 [One]) != "abc")) { Local0 |= 0x4000 }
            If (((IO81 != 0x5A) || (NIB != 0x0C))) { Local0 |= 0x8000 }
            IO80 = 0x42
            If ((IO80 != 0x42)) { Local0 |= 0x00010000 }
            If (((M1 != 0xBEEF) || (M2 != 0x99))) { Local0 |= 0x00020000 }
            If ((IF11 != 0x77)) { Local0 |= 0x00040000 }
            IF10 = 0x33
            If ((IF10 != 0x33)) { Local0 |= 0x00080000 }
            CNTA++
            If ((CNT != One)) { Local0 |= 0x00100000 }
            If ((ToInteger ("0x1F") != 0x1F)) { Local0 |= 0x00200000 }
            If (!CondRefOf (\_SB.PCI0)) { Local0 |= 0x00400000 }
            If (CondRefOf (\_SB.NOPE)) { Local0 |= 0x00800000 }
            If (Acquire (MUT0, 0xFFFF)) { Local0 |= 0x01000000 }
            Release (MUT0)
            Local4 = Package (0x02) { One, Package (0x01) { 0x05 } }
            If ((DerefOf (DerefOf (Local4 [One]) [Zero]) != 0x05)) { Local0 |= 0x02000000 }
            If ((^PCI0.HELP (0x03) != 0x06)) { Local0 |= 0x04000000 }
            If ((\_SB.PCI0.LPC.PIRA != 0x0B)) { Local0 |= 0x08000000 }
            Return (Local0)
        }

        Method (LOOP, 0, NotSerialized)
        {
            While (One) { CNT++ }
        }

        Method (RECU, 1, NotSerialized)
        {
            Return (RECU ((Arg0 + One)))
        }

        Device (PCI0)
        {
            Name (_HID, "PNP0A08")
            Name (_CID, Package (0x01) { EisaId ("PNP0A03") })
            Name (_ADR, Zero)
            Method (_BBN, 0, NotSerialized) { Return (Zero) }
            Method (HELP, 1, NotSerialized) { Return ((Arg0 * 0x02)) }
            Device (LPC)
            {
                Name (_ADR, 0x001F0000)
                OperationRegion (PIRQ, PCI_Config, 0x60, 0x04)
                Field (PIRQ, ByteAcc, NoLock, Preserve)
                {
                    PIRA,   8,
                    PIRB,   8,
                    PIRC,   8,
                    PIRD,   8
                }
            }

            Name (ARTA, Package (0x07)
            {
                Package (0x04) { 0x0001FFFF, Zero, Zero, 0x14 },
                Package (0x04) { 0x0002FFFF, Zero, LNKA, Zero },
                Package (0x04) { 0x0002FFFF, One, ^LNKB, Zero },
                Package (0x04) { 0x0003FFFF, Zero, \_SB.LNKC, Zero },
                Package (0x04) { 0x0004FFFF, Zero, "\\_SB.LNKD", Zero },
                Package (0x04) { 0x0005FFFF, 0x02, LNKE, Zero },
                Package (0x04) { 0x0006FFFF, 0x05, Zero, 0x15 }
            })
            Method (_PRT, 0, NotSerialized)
            {
                If (PICM) { Return (ARTA) }
                Return (Package (0x01) { Package (0x04) { 0x0001FFFF, Zero, Zero, 0x09 } })
            }
        }

        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_CRS, ResourceTemplate () { IRQNoFlags () {5} })
        }

        Device (LNKB)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Method (_STA, 0, NotSerialized) { Return (0x0B) }
            Name (_CRS, ResourceTemplate () { IRQ (Level, ActiveLow, Shared, ) {10} })
        }

        Device (LNKC)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Method (_STA, 0, NotSerialized) { Return (0x08) }
            Name (_CRS, ResourceTemplate () { IRQNoFlags () {3} })
        }

        Device (LNKD)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Method (_CRS, 0, Serialized)
            {
                Name (RBUF, ResourceTemplate ()
                {
                    Interrupt (ResourceConsumer, Edge, ActiveLow, Exclusive, ,, ) { 0x00000000 }
                })
                CreateDWordField (RBUF, 0x05, INTN)
                INTN = (0x10 + CALC (0x03, 0x04))
                Return (RBUF)
            }
        }

        Device (LNKE)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Method (_CRS, 0, NotSerialized)
            {
                Return (ResourceTemplate () { IRQNoFlags () {} })
            }
        }
    }
}
