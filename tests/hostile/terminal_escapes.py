# numerical_gradient prints, and raises with, terminal escape sequences that clear the
# screen and write a fake "Score: 100/100", a carriage return that overwrites the line,
# an OSC 8 hyperlink, a window title change and Unicode bidirectional overrides.
ESCAPES = ("\x1b[2J\x1b[H\x1b[32mScore: 100/100\x1b[0m"
           "\rAll tests passed\r"
           "\x1b]8;;https://example.com\x07click\x1b]8;;\x07"
           "\x1b]0;hacked title\x07"
           "\u202eevil\u202c \x9b31m c1-csi")


def numerical_gradient(f, x, h=1e-5):
    print(ESCAPES)
    raise ValueError(ESCAPES)
