// MSBuild inline task: marks one GNU version-needed entry (e.g. GLIBCXX_3.4.32) of ELF64 little-endian
// shared objects as weak (VER_FLG_WEAK), so that the dynamic loader accepts a libstdc++ without that version.
// Acts only when the system library lacks the version; files are patched in place (build output copies only).
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeed : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";
    [Required] public string SystemLibrary { get; set; } = "";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        if (!File.Exists(SystemLibrary))
        {
            Log.LogMessage(MessageImportance.Low, $"{SystemLibrary} not found; TorchSharp native fix not needed here.");
            return true;
        }
        if (Contains(File.ReadAllBytes(SystemLibrary), Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{SystemLibrary} provides {VersionName}; no fix needed.");
            return true;
        }
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            var bytes = File.ReadAllBytes(path);
            string? error;
            var result = Weaken(bytes, VersionName, out error);
            if (error != null) { Log.LogError($"{path}: {error}"); return false; }
            if (result == 1)
            {
                File.WriteAllBytes(path, bytes);
                Log.LogMessage(MessageImportance.High, $"StreamLabel: marked {VersionName} weak in {path} (system libstdc++ lacks it).");
            }
        }
        return true;
    }

    // Returns 1 when patched, 0 when already weak or absent; sets error for a file that is not ELF64 LE.
    public static int Weaken(byte[] elf, string versionName, out string? error)
    {
        error = null;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        { error = "not an ELF file"; return 0; }
        if (elf[4] != 2 || elf[5] != 1) { error = "not a 64-bit little-endian ELF file"; return 0; }
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 24);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 40);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 44);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize + 24));
            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int flagsAt = (int)aux + 4;
                    long nameAt = strtab + BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, nameAt) == versionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                        if ((flags & VerFlgWeak) != 0) return 0;
                        flags |= VerFlgWeak;
                        elf[flagsAt] = (byte)(flags & 0xff);
                        elf[flagsAt + 1] = (byte)(flags >> 8);
                        return 1;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return 0;
    }

    private static string ReadCString(byte[] bytes, long at)
    {
        int end = (int)at;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)at, end - (int)at);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
