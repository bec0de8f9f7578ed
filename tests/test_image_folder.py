"""load_image_folder: class numbering, folder mistakes, links, odd images (no network trained)."""

import os

import numpy as np
import pytest
from PIL import Image

from skdeepmine.datasets import load_image_folder


def _save(path, shade, size=(6, 6), mode="L"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, shade).save(path)


@pytest.fixture
def three_classes(tmp_path):
    for name, shade in [("a", 10), ("b", 120), ("c", 240)]:
        for i in range(2):
            _save(tmp_path / "train" / name / f"{i}.png", shade)
    return tmp_path


def test_classes_fix_the_numbering_when_a_test_folder_lacks_a_class(three_classes):
    train = load_image_folder(three_classes / "train", image_size=4, color_mode="grayscale")
    for i in range(2):
        _save(three_classes / "test" / "c" / f"{i}.png", 240)
    # Without classes=, "c" alone would become class 0 and every label shift.
    with pytest.warns(UserWarning) as record:
        test = load_image_folder(
            three_classes / "test", image_size=4, color_mode="grayscale",
            classes=train.target_names,
        )
    assert [str(w.message)[:30] for w in record] == [
        "Class 'a' (target 0) has no fo", "Class 'b' (target 1) has no fo"
    ]
    assert test.target.tolist() == [2, 2]
    assert test.target_names == ["a", "b", "c"]
    # Order of classes= decides the index, as in flow_from_directory.
    swapped = load_image_folder(three_classes / "train", image_size=4, classes=["c", "b", "a"])
    assert swapped.target.tolist() == [0, 0, 1, 1, 2, 2]
    assert swapped.images[0, 0, 0, 0] == 240


def test_folder_not_in_classes_is_skipped_with_a_warning(three_classes):
    with pytest.warns(UserWarning, match=r"\['c'\].*not in classes"):
        data = load_image_folder(three_classes / "train", image_size=4, classes=["a", "b"])
    assert data.target.tolist() == [0, 0, 1, 1]


def test_empty_class_folder_warns_and_keeps_its_index(three_classes):
    (three_classes / "train" / "b0_empty").mkdir()
    with pytest.warns(UserWarning, match=r"Class 'b0_empty' \(target 2\) folder holds no images"):
        data = load_image_folder(three_classes / "train", image_size=4)
    assert data.target_names == ["a", "b", "b0_empty", "c"]
    assert np.bincount(data.target).tolist() == [2, 2, 0, 2]


def test_folder_of_splits_is_refused(three_classes):
    for name in ("a", "b", "c"):
        _save(three_classes / "test" / name / "0.png", 50)
    with pytest.raises(ValueError, match=r"folder of splits.*\['test', 'train'\].*\['a', 'b', 'c'\]"):
        load_image_folder(three_classes, image_size=4)


def test_folder_of_unequal_splits_is_refused_unless_included(three_classes):
    # test/ lacks class "b": before, data/ silently became classes ['test', 'train'].
    for name in ("a", "c"):
        _save(three_classes / "test" / name / "0.png", 50)
    with pytest.raises(ValueError, match=r"'test' holds \['a', 'c'\]; 'train' holds \['a', 'b', 'c'\]"):
        load_image_folder(three_classes, image_size=4)
    with pytest.raises(ValueError, match="subfolders must be"):
        load_image_folder(three_classes, image_size=4, subfolders=True)
    data = load_image_folder(three_classes, image_size=4, subfolders="include")
    assert data.target_names == ["test", "train"]
    assert np.bincount(data.target).tolist() == [2, 6]


def test_image_size_int_16_bit_scaling_and_crop(tmp_path):
    pixels = np.full((4, 8), 65535, dtype=np.uint16)
    pixels[:, 4:] = 257 * 100
    (tmp_path / "deep").mkdir()
    Image.fromarray(pixels).save(tmp_path / "deep" / "x.png")
    data = load_image_folder(tmp_path, image_size=4, color_mode="grayscale")
    assert data.images.shape == (1, 4, 4, 1)
    # 16-bit white is 255, 16-bit 25700 is 100 (not clipped to 255).
    stretched = data.images[0, :, :, 0]
    assert stretched[0, 0] == 255 and stretched[0, -1] == 100
    cropped = load_image_folder(
        tmp_path, image_size=4, color_mode="grayscale", crop_to_aspect_ratio=True
    ).images[0, :, :, 0]
    # The centre square spans columns 2..5: half white, half grey.
    assert cropped[0, 0] == 255 and cropped[0, -1] == 100
    with pytest.raises(ValueError, match="image_size must be a positive int"):
        load_image_folder(tmp_path, image_size=(4,))


def test_32_bit_integer_images_keep_one_scale_or_are_refused(tmp_path):
    # Each image's own maximum used to choose its scale: 255 read as 255, 256
    # as 1, 60000 as 233 and 70000 as 0.
    from skdeepmine.datasets._decode import UnreadableImageError, _to_8bit, decode_image

    for value in (0, 200, 255):
        Image.fromarray(np.full((2, 2), value, np.int32)).save(tmp_path / f"{value}.tif")
        assert decode_image(tmp_path / f"{value}.tif", None)[0, 0, 0] == value
    for value in (256, 60000, 70000):
        Image.fromarray(np.full((2, 2), value, np.int32)).save(tmp_path / f"{value}.tif")
        with pytest.raises(UnreadableImageError, match=f"{value}.tif.*32-bit integer pixels"):
            decode_image(tmp_path / f"{value}.tif", None)
    # A PNG holds at most 16 bits (older Pillow opened 16-bit PNGs as mode I).
    png = Image.fromarray(np.array([[257 * 100, 100]], np.int32))
    png.format = "PNG"
    assert np.asarray(_to_8bit(png)).tolist() == [[100, 0]]


def test_paths_without_decoding(three_classes):
    paths, y = load_image_folder(three_classes / "train", load_images=False, return_X_y=True)
    assert [os.path.basename(os.path.dirname(p)) for p in paths] == ["a", "a", "b", "b", "c", "c"]
    assert y.tolist() == [0, 0, 1, 1, 2, 2]
    bunch = load_image_folder(three_classes / "train", load_images=False)
    assert "images" not in bunch and bunch.filenames.tolist() == paths.tolist()
    # Headers are read: a file that is no image is named, or skipped when warned.
    (three_classes / "train" / "a" / "1.png").write_bytes(b"broken")
    with pytest.raises(ValueError, match=r"Cannot read image .*1.png"):
        load_image_folder(three_classes / "train", load_images=False)
    with pytest.warns(UserWarning, match=r"1.png.*Skipped"):
        paths, y = load_image_folder(
            three_classes / "train", load_images=False, on_error="warn", return_X_y=True
        )
    assert y.tolist() == [0, 1, 1, 2, 2]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_out_of_the_root_are_skipped_unless_asked(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    _save(root / "a" / "0.png", 10)
    _save(root / "b" / "0.png", 200)
    _save(outside / "secret.png", 99)
    _save(outside / "cls" / "0.png", 99)
    os.symlink(outside / "secret.png", root / "a" / "secret.png")
    os.symlink(outside / "cls", root / "linked")
    os.symlink(root / "b" / "0.png", root / "a" / "inside.png")  # stays inside: read
    with pytest.warns(UserWarning, match="symbolic link leading out of") as record:
        data = load_image_folder(root, image_size=2, color_mode="grayscale")
    assert len(record) == 2
    assert data.target_names == ["a", "b"]
    assert sorted(os.path.basename(f) for f in data.filenames) == ["0.png", "0.png", "inside.png"]
    followed = load_image_folder(root, image_size=2, follow_links=True)
    assert followed.target_names == ["a", "b", "linked"] and len(followed.filenames) == 5


def test_decompression_bomb_is_named_and_skipped_when_warned(three_classes, monkeypatch):
    _save(three_classes / "train" / "a" / "huge.png", 0, size=(40, 40))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValueError, match=r"huge.png.*decompression-bomb"):
        load_image_folder(three_classes / "train", image_size=4)
    with pytest.warns(UserWarning, match=r"huge.png.*Skipped"):
        data = load_image_folder(three_classes / "train", image_size=4, on_error="warn")
    assert len(data.images) == 6
    # Past twice the limit Pillow raises its own error: still named, still skippable.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)
    with pytest.warns(UserWarning, match=r"huge.png.*Skipped"):
        assert len(load_image_folder(three_classes / "train", image_size=4, on_error="warn").images) == 6
