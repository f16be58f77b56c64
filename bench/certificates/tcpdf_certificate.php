<?php
// The reference for bench/certificates.sh: the same one-page A4 landscape attestation made by
// TCPDF (Debian's php-tcpdf, Moodle's certificate engine): DejaVu Sans (TCPDF subsets it),
// a QR code from write2DBarcode and an embedded signature from setSignature with the same
// key and certificate. Usage: php tcpdf_certificate.php KEY.pem CERT.pem LOGO.png N [OUT.pdf]
require_once('/usr/share/php/tcpdf/tcpdf.php');

[$script, $key, $cert, $logo, $n] = array_slice($argv, 0, 5);
$out = $argv[5] ?? null;

$modules = [
    ['Les bases de la santé affective et sexuelle', '6 h', '14/10/2026'],
    ['Communication et posture professionnelle', '6 h', '02/12/2026'],
    ['Diversité, genre et orientations', '6 h', '20/01/2027'],
    ['Prévention des violences et cadre légal', '6 h', '04/03/2027'],
];
$url = 'https://parcours.cesas.lu/verify/K7QM-2XHP-9TRW-4CFD';

function certificate($key, $cert, $logo, $modules, $url) {
    $pdf = new TCPDF('L', 'pt', 'A4', true, 'UTF-8', false);
    $pdf->setPrintHeader(false);
    $pdf->setPrintFooter(false);
    $pdf->SetMargins(0, 0, 0);
    $pdf->SetAutoPageBreak(false);
    $pdf->setSignature('file://' . $key, 'file://' . $key, '', '', 2,
                       ['Name' => 'Cesas', 'Location' => 'Luxembourg']);
    $pdf->AddPage();
    $pdf->SetDrawColor(10, 102, 112);
    $pdf->SetLineWidth(2.5);
    $pdf->Rect(28, 28, 785.89, 539.28);
    $pdf->SetLineWidth(0.6);
    $pdf->Rect(33, 33, 775.89, 529.28);
    $pdf->Image($logo, 52, 52, 54, 54, 'PNG');
    $pdf->SetFont('dejavusans', '', 11);
    $pdf->SetTextColor(10, 102, 112);
    $pdf->Text(120, 66, 'Centre national de référence pour la promotion de la santé affective et sexuelle (Cesas)');
    $pdf->SetFont('dejavusans', '', 28);
    $pdf->SetXY(0, 110); $pdf->Cell(841.89, 0, 'Attestation de participation', 0, 1, 'C');
    $pdf->SetTextColor(97, 102, 107);
    $pdf->SetFont('dejavusans', '', 11);
    $pdf->SetXY(0, 145); $pdf->Cell(841.89, 0, 'Parcours de formation achevé', 0, 1, 'C');
    $pdf->SetTextColor(33, 33, 38);
    $pdf->SetFont('dejavusans', '', 12);
    $pdf->SetXY(0, 172); $pdf->Cell(841.89, 0, 'Le centre atteste que', 0, 1, 'C');
    $pdf->SetFont('dejavusans', '', 30);
    $pdf->SetXY(0, 195); $pdf->Cell(841.89, 0, 'Séverine Müller-Øster', 0, 1, 'C');
    $pdf->SetFont('dejavusans', '', 12);
    $pdf->SetXY(0, 238); $pdf->Cell(841.89, 0, 'a suivi avec succès l’intégralité du parcours de formation', 0, 1, 'C');
    $pdf->SetTextColor(10, 102, 112);
    $pdf->SetFont('dejavusans', '', 18);
    $pdf->SetXY(0, 260); $pdf->Cell(841.89, 0, "« Let's Talk about Sex ! »", 0, 1, 'C');
    $pdf->SetTextColor(33, 33, 38);
    $pdf->SetFont('dejavusans', '', 12);
    $pdf->SetXY(0, 288); $pdf->Cell(841.89, 0, 'Durée totale : 24 heures', 0, 1, 'C');
    $pdf->SetFont('dejavusans', '', 9.5);
    $pdf->SetXY(138, 315); $pdf->Cell(300, 0, 'Modules suivis');
    $pdf->SetXY(520, 315); $pdf->Cell(70, 0, 'Durée', 0, 0, 'R');
    $pdf->SetXY(610, 315); $pdf->Cell(94, 0, 'Achevé le', 0, 0, 'R');
    $pdf->Line(138, 330, 704, 330);
    $y = 336;
    foreach ($modules as [$title, $hours, $date]) {
        $pdf->SetXY(138, $y); $pdf->Cell(380, 0, $title);
        $pdf->SetXY(520, $y); $pdf->Cell(70, 0, $hours, 0, 0, 'R');
        $pdf->SetXY(610, $y); $pdf->Cell(94, 0, $date, 0, 0, 'R');
        $y += 14;
    }
    $pdf->SetFont('dejavusans', '', 10.5);
    $pdf->Text(68, 475, 'Fait à Luxembourg, le 12 mars 2027');
    $pdf->Line(68, 521, 278, 521);
    $pdf->SetFont('dejavusans', '', 11);
    $pdf->Text(68, 525, 'Dr Anne Weber');
    $pdf->SetFont('dejavusans', '', 9);
    $pdf->Text(68, 538, 'Directrice du Cesas');
    $pdf->SetFont('dejavusans', '', 12);
    $pdf->SetXY(400, 480); $pdf->Cell(284, 0, 'K7QM-2XHP-9TRW-4CFD', 0, 0, 'R');
    $pdf->SetFont('dejavusans', '', 7.5);
    $pdf->SetXY(400, 500); $pdf->Cell(284, 0, 'Vérifier l’authenticité : ' . $url, 0, 0, 'R');
    $pdf->write2DBarcode($url, 'QRCODE,M', 696, 471, 78, 78,
                         ['border' => false, 'padding' => 0, 'fgcolor' => [0, 0, 0], 'bgcolor' => false], 'N');
    return $pdf->Output('', 'S');
}

// TCPDF's setSignature takes the certificate and the key as one "file://" argument pair; the
// bench passes a PEM holding both.
$both = tempnam(sys_get_temp_dir(), 'tcpdf-signer');
file_put_contents($both, file_get_contents($cert) . file_get_contents($key));
$key = $both;
$cert = $both;

for ($i = 0; $i < 3; $i++) { $bytes = certificate($key, $cert, $logo, $modules, $url); }  // warm-up
$start = hrtime(true);
$size = 0;
for ($i = 0; $i < $n; $i++) {
    $bytes = certificate($key, $cert, $logo, $modules, $url);
    $size += strlen($bytes);
}
$seconds = (hrtime(true) - $start) / 1e9;
printf("tcpdf: %d signed attestations in %.3f s = %.1f/s (%.3f ms each; %d bytes each)\n",
       $n, $seconds, $n / $seconds, 1000 * $seconds / $n, intdiv($size, $n));
if ($out) { file_put_contents($out, $bytes); }
unlink($both);
