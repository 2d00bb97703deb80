//! A one-line text input with a cursor (byte offset, always on a char boundary).

/// Text being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    pub cursor: usize,
}

impl TextInput {
    pub fn insert(&mut self, c: char) {
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    /// Deletes back to the start of the previous word (white space separates words).
    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        let start =
            trimmed.rfind(char::is_whitespace).map_or(0, |i| i + trimmed[i..].chars().next().map_or(1, char::len_utf8));
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Display columns before the cursor (CJK characters take two).
    pub fn cursor_column(&self) -> usize {
        unicode_width::UnicodeWidthStr::width(&self.text[..self.cursor])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> TextInput {
        let mut i = TextInput::default();
        s.chars().for_each(|c| i.insert(c));
        i
    }

    #[test]
    fn editing_chinese_text_keeps_char_boundaries() {
        let mut i = typed("网联 路由");
        i.left();
        i.backspace();
        assert_eq!(i.text, "网联 由");
        i.home();
        i.right();
        i.insert('x');
        assert_eq!(i.text, "网x联 由");
        assert_eq!(i.cursor_column(), 3);
        i.end();
        i.delete_word();
        assert_eq!(i.text, "网x联 ");
        i.delete_word();
        assert_eq!((i.text.as_str(), i.cursor), ("", 0));
        i.backspace();
        i.left();
        assert_eq!(i, TextInput::default());
    }
}
