"""A night's recap drawn as a card: the work, the night, when, how many came, and the prompts
discussed that its readers may see (the ``RecapCard`` the core built for them)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from bot.core.pictures import RecapCard
from bot.pictures import style

WIDTH, HEIGHT = 1000, 460
PAD = 44


def draw_card(card: RecapCard) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), style.BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 10, HEIGHT), fill=style.NIGHT)
    inner = WIDTH - 2 * PAD
    style.text(draw, (PAD, 30), style.fit(f"Recap · {card.work}", 18, inner), 18, style.MUTED)
    style.text(draw, (PAD, 58), style.fit(card.night, 34, inner), 34, style.TEXT)
    people = "1 came" if card.came == 1 else f"{card.came} came"
    style.text(draw, (PAD, 106), style.fit(f"{card.when} · {people}", 18, inner), 18,
               style.CLUB)
    y = 150
    style.text(draw, (PAD, y), "Discussed", 16, style.MUTED)
    y += 28
    for prompt in card.prompts:
        lines = style.wrap(prompt, 17, inner - 28, 3)
        if y + 21 * len(lines) > HEIGHT - 50:
            break
        draw.ellipse((PAD, y + 6, PAD + 9, y + 15), fill=style.NIGHT)
        for line in lines:
            style.text(draw, (PAD + 24, y), line, 17, style.TEXT)
            y += 21
        y += 8
    if not card.prompts:
        style.text(draw, (PAD + 24, y), "No prompts to show here.", 17, style.MUTED)
    if card.more:
        noun = "prompt" if card.more == 1 else "prompts"
        style.text(draw, (PAD, HEIGHT - 40), f"+{card.more} more {noun} not on the card", 15,
                   style.MUTED)
    return image
