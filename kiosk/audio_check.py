"""Does a recording really play? A fast check of a pack's sound files, for `validate` and the kiosk.

Why: a recording is the voice a worker follows. A file that only *looks* like a recording (random
bytes named ``01.wav``, a download cut short, a WAV header with no sound after it) used to pass
``kiosk pack validate``; in the kiosk Kivy's loader still handed back a sound object, the step was
silent and nobody was told. Silence is the worst answer for a worker who cannot read the sentence,
so the kiosk checks the file first and speaks the sentence instead when the check fails.

What is checked, and why it stays fast (it runs for every recording when a pack is loaded, and in
the kiosk before a step's voice is played):
- WAV (a RIFF/WAVE header) with the standard library's ``wave`` module: a readable header, PCM
  samples of a sane shape, more than zero frames, and the last frame the header promises really in
  the file (one seek, not a read of the whole file). WAVs that are not plain PCM (float, or the
  "extensible" header of 24-bit recorders) are handed to the decoder below instead.
- OGG and MP3 with a real decoder (M4A is refused: no Kivy player plays it), PyAV (FFmpeg's libraries in its own wheel): the container
  is opened with the one demuxer its extension names (so FFmpeg never guesses a playlist or any
  other of its hundreds of formats from the content), the audio codec must be one of the few named
  below, and the first packets are decoded (at most ``DECODE_SECONDS`` of sound), never the whole
  file. Some sound must come out; damage after sound that decoded is not a fault (players stop
  there too, and MP3s with junk after the last frame are common).
Results are remembered per file version (path, size, modification time), so asking again is a
``stat``.

Kivy-free, like every package outside ``kiosk/ui``. PyAV is imported only when a compressed
recording is checked (it takes ~0.15 s to import).
"""

from __future__ import annotations

import os
import struct
import wave
from functools import lru_cache
from pathlib import Path

#: The hint for every broken recording: what a trainer can do about it.
RECORD_AGAIN = "Record it again, or delete it so the kiosk speaks the sentence."

#: Demuxer (FFmpeg's name) and the audio codecs accepted (FFmpeg's codec names, not its decoders'
#: names: "mp3", which FFmpeg decodes with "mp3float"), per extension. Nothing else is decoded.
DEMUXERS: dict[str, tuple[str, frozenset[str]]] = {
    ".ogg": ("ogg", frozenset({"vorbis", "opus", "flac"})),
    ".mp3": ("mp3", frozenset({"mp3"})),
    ".wav": ("wav", frozenset({"pcm_f32le", "pcm_f64le", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_u8"})),
}
#: How much sound is decoded to prove a compressed recording decodes.
DECODE_SECONDS = 2.0
_MAX_PACKETS = 400  # a bound on work even when packets carry no sound
_WAV_FORMAT_PCM = 1


class _NotPlainPcm(Exception):
    """A well-formed WAV whose samples the ``wave`` module cannot read (float, extensible)."""


#: Formats PyAV decodes but none of Kivy's audio players (SDL2 mixer, GStreamer) play: the kiosk
#: would fall back to speech every time, so validation says so up front.
NOT_PLAYED_BY_KIVY = {
    ".m4a": "is an M4A recording, which the kiosk cannot play (save it as MP3, OGG or WAV instead)",
}


def recording_problem(path: str | Path, *, suffix: str | None = None) -> str | None:
    """None when the recording at ``path`` plays; else what is wrong, in plain words, as the end
    of a sentence starting with the file's name (e.g. "is not a sound recording ...").

    ``suffix`` (e.g. ".wav"): check the file as this kind instead of by its name's extension, for a
    file still under a temporary name (the speech engine writes ``.NN-x.wav.part`` and renames it
    only once it passed; names ending in ``.part`` stay out of pack zips).
    Never raises: a file that cannot even be read is a problem like any other."""
    try:
        info = os.stat(path)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    kind = (suffix or os.path.splitext(path)[1]).lower()
    return _checked(os.fspath(path), info.st_size, info.st_mtime_ns, info.st_ino, kind)


def plays(path: str | Path, *, suffix: str | None = None) -> bool:
    """True when the sound file at ``path`` passes the check (``recording_problem`` is None).

    The one test of "is this file worth keeping or playing" for recordings, generated speech (the
    speech engine's output before it is renamed into place) and pack builds alike."""
    return recording_problem(path, suffix=suffix) is None


def wav_duration(path: str | Path) -> float:
    """Length of a WAV file in seconds; raises OSError, EOFError or wave.Error for non-WAV files."""
    with wave.open(os.fspath(path), "rb") as wav:
        rate = wav.getframerate()
        if rate <= 0:
            raise wave.Error("the WAV header gives no frame rate")
        return wav.getnframes() / float(rate)


@lru_cache(maxsize=1024)
def _checked(path: str, size: int, _mtime_ns: int, _inode: int, suffix: str) -> str | None:
    """The check itself, once per file version (the arguments after ``path`` are the cache key)."""
    if size == 0:
        return "is empty: it has no sound in it"
    if suffix in NOT_PLAYED_BY_KIVY:
        return NOT_PLAYED_BY_KIVY[suffix]
    try:
        with open(path, "rb") as stream:
            head = stream.read(12)
            stream.seek(0)
            if suffix == ".wav":
                if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                    return "is not a WAV sound recording (the file is damaged or is something else)"
                try:
                    return _wav_problem(stream)
                except _NotPlainPcm:
                    stream.seek(0)
            if suffix not in DEMUXERS:
                return "is not a kind of recording the kiosk can play"
            return _decoded_problem(stream, *DEMUXERS[suffix])
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    except Exception as error:  # noqa: BLE001 - hostile bytes must end as a problem, never a crash
        return f"cannot be played: the file is damaged ({type(error).__name__})"


def _wav_problem(stream) -> str | None:  # noqa: ANN001 - a binary file object
    """Header and frames of a RIFF/WAVE file; raises _NotPlainPcm for WAVs the decoder must read."""
    try:
        wav = wave.open(stream, "rb")
    except wave.Error as error:
        if "unknown format" in str(error):
            raise _NotPlainPcm from error
        return "is not a WAV sound recording the kiosk can play (its header is damaged)"
    except (EOFError, struct.error):
        return "is cut short: the file ends inside its header"
    with wav:
        channels, width, rate, frames = wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()
        if not 1 <= channels <= 8 or width not in (1, 2, 3, 4) or not 1000 <= rate <= 384_000:
            return "is not a WAV sound recording the kiosk can play (its header describes no real sound)"
        if frames == 0:
            return "has no sound in it (the recording is empty)"
        frame_bytes = channels * width
        if len(wav.readframes(1)) != frame_bytes:
            return "is cut short: the sound its header promises is not in the file"
        wav.setpos(frames - 1)
        if len(wav.readframes(1)) != frame_bytes:
            return "is cut short: the sound its header promises is not in the file"
    return None


def _decoded_problem(stream, demuxer: str, codecs: frozenset[str]) -> str | None:  # noqa: ANN001
    """Open with the one named demuxer, check the codec, decode the first DECODE_SECONDS."""
    import av  # noqa: PLC0415 - slow to import; only compressed recordings need it

    try:
        container = av.open(stream, mode="r", format=demuxer, metadata_errors="ignore")
    except (av.error.FFmpegError, ValueError, OSError, EOFError):
        return "is not a sound recording the kiosk can play (the file is damaged or is something else)"
    with container:
        streams = container.streams.audio
        if not streams:
            return "has no sound in it"
        audio = streams[0]
        context = audio.codec_context
        codec = context.codec.canonical_name if context is not None and context.codec is not None else ""
        if codec not in codecs:
            return f"holds sound in a form the kiosk does not play ({codec or 'unknown'})"
        decoded = 0.0
        packets = 0
        try:
            for packet in container.demux(audio):
                packets += 1
                for frame in packet.decode():
                    if frame.samples and frame.sample_rate:
                        decoded += frame.samples / frame.sample_rate
                if decoded >= DECODE_SECONDS or packets >= _MAX_PACKETS:
                    break
        except (av.error.FFmpegError, ValueError, EOFError, MemoryError):
            # Junk after real sound (a tag, a copy cut or padded) is played up to there: fine.
            if decoded <= 0.0:
                return "cannot be played: the sound in it is damaged"
        if decoded <= 0.0:
            return "has no sound in it (nothing could be decoded)"
    return None
