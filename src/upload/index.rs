//! The record indexer: fed a file in chunks, it counts the records and their physical
//! lines and keeps the bytes of the wanted records only, up to a memory cap.
//!
//! - **JSONL** (`.jsonl`, and `.json` read line by line): a record is a line that is not
//!   blank (blank and whitespace-only lines are skipped, as JSONL readers do); line ends
//!   are `\n` or `\r\n`. Line ends are found with `memchr`.
//! - **CSV**: records are found by `csv-core`'s state machine (RFC 4180: quoted fields
//!   may hold commas, doubled quotes and line breaks; blank lines are skipped). The first
//!   record is the header: it is not a record, and its names become the column names.
//!
//! A UTF-8 byte-order mark at the start of the file is skipped. Record numbers are
//! 0-based (the API's `record_index`); line numbers are 1-based physical lines, as an
//! editor shows them (a CSV record with quoted line breaks spans several). Lines are
//! counted by `\n` (so `\r\n` is one line end); a lone `\r`, the line end of old Mac
//! files, ends a CSV record but not a line.

use csv_core::{ReadRecordResult, Reader};

const BOM: &[u8] = b"\xef\xbb\xbf";

/// The two ways a file is cut into records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON record per non-blank line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// The format for a file name: `.csv` is CSV, anything else (`.jsonl`, `.json`) JSONL.
    pub fn from_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".csv") {
            Format::Csv
        } else {
            Format::Jsonl
        }
    }
}

/// One wanted record, as it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Its 0-based record number (the API's `record_index`).
    pub index: u64,
    /// The 1-based physical line it starts on.
    pub line: u64,
    /// Its bytes, without the line end (a CSV record keeps its quoted line breaks).
    pub bytes: Vec<u8>,
}

/// What indexing a whole file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexed {
    /// How the file was read.
    pub format: Format,
    /// Records in the file (for CSV, the data rows: the header is not counted).
    pub records: u64,
    /// The CSV header row's bytes (`None` for JSONL, or a CSV file with no row at all).
    pub header: Option<Vec<u8>>,
    /// The wanted records that were found and kept, in file order.
    pub kept: Vec<Kept>,
    /// Wanted records that were found but not kept because the memory cap was reached.
    pub over_cap: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// A streaming indexer: [`Indexer::push`] each chunk in order, then [`Indexer::finish`].
#[derive(Debug)]
pub struct Indexer {
    format: Format,
    wanted: Vec<u64>,
    /// Position in `wanted` of the next record number that may come.
    next: usize,
    cap: usize,
    kept_bytes: usize,
    /// The cap was reached: nothing more is kept.
    full: bool,
    out: Indexed,
    /// Up to three bytes at the very start, held until the BOM question is settled.
    start: Option<Vec<u8>>,
    /// Physical line (1-based) the current record or line starts on.
    line: u64,
    /// The current record's bytes when it is wanted (or is the CSV header).
    current: Option<Vec<u8>>,
    /// The current record is wanted but is not kept (the cap).
    dropped: bool,
    /// JSONL: whether the line read so far is blank.
    blank: bool,
    /// CSV: the state machine and its scratch output (the field data is not needed).
    csv: Reader,
    scratch: Vec<u8>,
    ends: Vec<usize>,
    header_done: bool,
    /// CSV: the current record has begun (line ends before it belong to no record).
    started: bool,
    /// CSV: line ends inside the current record so far.
    inner: u64,
}

impl Indexer {
    /// An indexer for `format` that keeps the records numbered in `wanted` (any order,
    /// repeats allowed), at most `cap` bytes of them in all.
    pub fn new(format: Format, wanted: impl IntoIterator<Item = u64>, cap: usize) -> Indexer {
        let mut wanted: Vec<u64> = wanted.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let csv = format == Format::Csv;
        let mut indexer = Indexer {
            format,
            wanted,
            next: 0,
            cap,
            kept_bytes: 0,
            full: false,
            out: Indexed {
                format,
                records: 0,
                header: None,
                kept: Vec::new(),
                over_cap: 0,
                bytes: 0,
            },
            start: Some(Vec::new()),
            line: 1,
            current: None,
            dropped: false,
            blank: true,
            csv: Reader::new(),
            scratch: if csv { vec![0; 64 * 1024] } else { Vec::new() },
            ends: if csv { vec![0; 1024] } else { Vec::new() },
            header_done: !csv,
            started: false,
            inner: 0,
        };
        indexer.begin_record();
        indexer
    }

    /// Reads the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        self.out.bytes += chunk.len() as u64;
        let Some(mut start) = self.start.take() else {
            return self.feed(chunk);
        };
        let take = (3 - start.len()).min(chunk.len());
        start.extend_from_slice(&chunk[..take]);
        if start.len() < 3 {
            self.start = Some(start);
            return;
        }
        if start != BOM {
            self.feed(&start);
        }
        self.feed(&chunk[take..]);
    }

    /// Ends the file and returns what was found.
    pub fn finish(mut self) -> Indexed {
        if let Some(start) = self.start.take()
            && start.as_slice() != BOM
        {
            self.feed(&start);
        }
        match self.format {
            Format::Jsonl => {
                if !self.blank {
                    self.end_line(&[]);
                }
            }
            Format::Csv => self.feed_csv(&[]),
        }
        self.out
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        match self.format {
            Format::Jsonl => self.feed_jsonl(bytes),
            Format::Csv => self.feed_csv(bytes),
        }
    }

    /// Sets up the record about to start: collected into `current` when it is wanted
    /// (or is the CSV header) and the cap is not reached.
    fn begin_record(&mut self) {
        let n = self.out.records;
        while self.wanted.get(self.next).is_some_and(|&w| w < n) {
            self.next += 1;
        }
        let wanted = !self.header_done || self.wanted.get(self.next) == Some(&n);
        self.dropped = wanted && self.full;
        self.current = (wanted && !self.full).then(Vec::new);
    }

    /// Appends to the current record if it is collected; past the cap, drops it and
    /// keeps nothing more.
    fn collect(&mut self, bytes: &[u8]) {
        if let Some(current) = &mut self.current {
            if self.kept_bytes + current.len() + bytes.len() > self.cap {
                self.full = true;
                self.dropped = true;
                self.current = None;
            } else {
                current.extend_from_slice(bytes);
            }
        }
    }

    /// The current record ends: keep it (without its line end) or count it as dropped.
    fn end_record(&mut self) {
        if let Some(mut bytes) = self.current.take() {
            while matches!(bytes.last(), Some(b'\r' | b'\n')) {
                bytes.pop();
            }
            self.kept_bytes += bytes.len();
            if !self.header_done {
                self.out.header = Some(bytes);
            } else {
                self.out.kept.push(Kept {
                    index: self.out.records,
                    line: self.line,
                    bytes,
                });
            }
        } else if self.dropped && self.header_done {
            self.out.over_cap += 1;
        }
        if self.header_done {
            self.out.records += 1;
        }
        self.header_done = true;
        self.begin_record();
    }

    fn feed_jsonl(&mut self, chunk: &[u8]) {
        let mut from = 0;
        for end in memchr::memchr_iter(b'\n', chunk) {
            self.end_line(&chunk[from..end]);
            from = end + 1;
        }
        let rest = &chunk[from..];
        if !rest.is_empty() {
            if self.blank {
                self.blank = rest.iter().all(u8::is_ascii_whitespace);
            }
            self.collect(rest);
        }
    }

    /// A JSONL line ends with `tail` (its last part, without the `\n`).
    fn end_line(&mut self, tail: &[u8]) {
        if self.blank && tail.iter().all(u8::is_ascii_whitespace) {
            // Not a record: start the same record number afresh on the next line.
            self.begin_record();
        } else {
            self.collect(tail);
            self.end_record();
        }
        self.line += 1;
        self.blank = true;
    }

    fn feed_csv(&mut self, mut input: &[u8]) {
        let at_end = input.is_empty();
        loop {
            let (res, nin, _, _) = self
                .csv
                .read_record(input, &mut self.scratch, &mut self.ends);
            let (consumed, rest) = input.split_at(nin.min(input.len()));
            input = rest;
            self.csv_bytes(consumed);
            match res {
                ReadRecordResult::Record => {
                    self.end_record();
                    self.line += self.inner;
                    self.inner = 0;
                    self.started = false;
                }
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    if input.is_empty() {
                        return;
                    }
                }
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
            }
            if at_end && res != ReadRecordResult::Record {
                return;
            }
        }
    }

    /// Bytes csv-core consumed for the current record.
    fn csv_bytes(&mut self, mut bytes: &[u8]) {
        if !self.started {
            let skip = bytes
                .iter()
                .position(|b| *b != b'\r' && *b != b'\n')
                .unwrap_or(bytes.len());
            self.line += newlines(&bytes[..skip]);
            bytes = &bytes[skip..];
            if bytes.is_empty() {
                return;
            }
            self.started = true;
        }
        self.inner += newlines(bytes);
        self.collect(bytes);
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}
